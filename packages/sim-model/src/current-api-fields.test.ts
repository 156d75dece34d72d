import Anthropic from '@anthropic-ai/sdk';
import { VirtualClock } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { createSimModel } from './index.ts';

const schema = { type: 'object' as const, properties: { command: { type: 'string' } } };

/**
 * Every field of `MessageCreateParams` in `@anthropic-ai/sdk` 1.17 (the newest on npm when this
 * was written), typed by the SDK itself, so a field the SDK renames or adds that the simulator
 * does not know fails to typecheck or is caught here.
 */
function everyField(): Anthropic.Beta.MessageCreateParamsNonStreaming {
  return {
    model: 'claude-opus-5-5',
    max_tokens: 4096,
    system: [{ type: 'text', text: 'You run shell work in the background.', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [
      { role: 'user', content: 'Install the dependencies, then run lint, the tests and the build.' },
      // A mid-conversation system message: after a user turn, before an assistant turn.
      { role: 'system', content: 'Prefer background jobs.', output_config: { effort: 'high' }, clear_at: 'never' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: '', signature: 'sig-from-an-earlier-turn' },
          { type: 'text', text: 'Starting install in the background.' },
          { type: 'tool_use', id: 'toolu_01', name: 'bg_bash', input: { command: 'sleep 2', id: 'install' } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: 'started job "install"' }] }],
      },
    ],
    tools: [
      { name: 'bg_bash', description: 'start a job', input_schema: schema, strict: false, eager_input_streaming: null },
      { name: 'check_bg', description: 'job states', input_schema: schema, cache_control: { type: 'ephemeral' } },
      { name: 'bg_wait', description: 'wait for jobs', input_schema: schema, defer_loading: true },
      { type: 'tool_search_tool_bm25_20251119', name: 'tool_search_tool_bm25' },
      // A toolset: no name of its own.
      { type: 'browser_toolset_20260801' },
    ],
    tool_choice: { type: 'auto', disable_parallel_tool_use: false },
    thinking: { type: 'enabled', budget_tokens: 2048, display: 'summarized' },
    output_config: { effort: 'medium' },
    context_management: {
      edits: [
        { type: 'clear_thinking_20251015', keep: { type: 'thinking_turns', value: 0 } },
        { type: 'clear_tool_uses_20250919', trigger: { type: 'tool_uses', value: 1 }, keep: { type: 'tool_uses', value: 0 } },
      ],
    },
    metadata: { user_id: 'user-1234' },
    stop_sequences: ['\n\nHuman:'],
    service_tier: 'auto',
    speed: 'standard',
    inference_geo: 'us',
    cache_control: { type: 'ephemeral' },
    container: { id: null, skills: null },
    diagnostics: { previous_message_id: null },
    compaction: { type: 'summarize' },
    user_profile_id: 'profile-1',
    workspace_id: 'workspace-1',
    // Sent as the anthropic-beta header: one known, one no release has.
    betas: ['advanced-tool-use-2025-11-20', 'some-future-beta-2099-01-01'],
  };
}

function client(): Anthropic {
  return new Anthropic({ apiKey: 'sim', fetch: createSimModel('default', { clock: new VirtualClock() }).fetch, maxRetries: 0 });
}

describe('a request with every field of the newest SDK (1.17) through client.beta (?beta=true, anthropic-beta)', () => {
  test('is answered, with a thinking block first and the applied context edits reported', async () => {
    const message = await client().beta.messages.create(everyField());
    expect(message.content[0]).toMatchObject({ type: 'thinking' });
    const thinking = message.content[0] as Anthropic.Beta.BetaThinkingBlock;
    expect(thinking.thinking.length).toBeGreaterThan(0);
    expect(thinking.signature.length).toBeGreaterThan(0);
    // install started and nothing seen yet: the model polls (by its own name, as offered).
    expect(message.content.some((b) => b.type === 'tool_use' && b.name === 'check_bg')).toBe(true);
    expect(message.context_management?.applied_edits).toEqual([
      { type: 'clear_thinking_20251015', cleared_thinking_turns: 1, cleared_input_tokens: 0 },
      { type: 'clear_tool_uses_20250919', cleared_tool_uses: 1, cleared_input_tokens: 6 },
    ]);
  });

  test('streams the same: thinking and signature deltas, context edits on message_delta', async () => {
    const stream = client().beta.messages.stream(everyField());
    const types: string[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta') types.push(event.delta.type);
    });
    const message = await stream.finalMessage();
    expect(types).toContain('thinking_delta');
    expect(types).toContain('signature_delta');
    expect(message.content[0]?.type).toBe('thinking');
    expect(message.context_management?.applied_edits).toHaveLength(2);
  });

  test('display "omitted": the thinking block is empty and signed; disabled: no thinking block', async () => {
    const omitted = await client().beta.messages.create({ ...everyField(), thinking: { type: 'adaptive', display: 'omitted' } });
    expect(omitted.content[0]).toMatchObject({ type: 'thinking', thinking: '' });
    expect((omitted.content[0] as Anthropic.Beta.BetaThinkingBlock).signature).not.toBe('');
    const none = await client().beta.messages.create({ ...everyField(), thinking: { type: 'disabled' } });
    expect(none.content.some((b) => b.type === 'thinking')).toBe(false);
  });

  test('higher effort thinks longer', async () => {
    const fields = everyField();
    // Without the system message, whose own effort would apply to the turn after it.
    fields.messages = fields.messages.filter((m) => m.role !== 'system');
    const tokens = async (effort: 'low' | 'max') =>
      (await client().beta.messages.create({ ...fields, thinking: { type: 'adaptive' }, output_config: { effort } })).usage
        .output_tokens;
    expect(await tokens('max')).toBeGreaterThan(await tokens('low'));
  });

  test('count_tokens takes the same fields', async () => {
    const { max_tokens: _, stop_sequences: __, service_tier: ___, speed: ____, metadata: _____, ...fields } = everyField();
    const counted = await client().beta.messages.countTokens(fields as Anthropic.Beta.MessageCountTokensParams);
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  test('what the simulator cannot serve gets a 400 naming the field, never a 500', async () => {
    const cases: Array<[Partial<Anthropic.Beta.MessageCreateParamsNonStreaming>, string]> = [
      [{ output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } }, 'output_config.format'],
      // The SDK sends the deprecated output_format as output_config.format.
      [{ output_format: { type: 'json_schema', schema: { type: 'object' } } }, 'format: structured outputs'],
      [{ mcp_servers: [{ type: 'url', url: 'https://example.com/mcp', name: 'x' }] }, 'mcp_servers'],
      [{ thinking: { type: 'enabled', budget_tokens: 8192 } }, 'max_tokens: must be greater than thinking.budget_tokens'],
      [{ tool_choice: { type: 'any' } }, 'tool_choice: Thinking may not be enabled when tool_choice forces tool use'],
    ];
    for (const [change, field] of cases) {
      const request = client().beta.messages.create({ ...everyField(), ...change });
      await expect(request).rejects.toBeInstanceOf(Anthropic.BadRequestError);
      await expect(request).rejects.toThrow(field);
    }
  });
});
