import Anthropic from '@anthropic-ai/sdk';
import { VirtualClock } from '@bgtasks/runtime/testing';
import { afterEach, describe, expect, test } from 'vitest';
import { createSimModel, type SimModelOptions } from './index.ts';

const TOOLS = ['bg_bash', 'check_bg', 'bg_wait', 'bg_output', 'bg_kill'].map((name) => ({
  name,
  description: `the ${name} tool`,
  input_schema: { type: 'object' as const, properties: {} },
}));
const PARAMS = {
  model: 'claude-sim',
  max_tokens: 4096,
  tools: TOOLS,
  messages: [{ role: 'user' as const, content: 'Install, lint, test and build.' }],
};

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A client on the fetch handler or on a real loopback server. */
async function client(via: 'fetch' | 'http', options: SimModelOptions = {}): Promise<Anthropic> {
  const sim = createSimModel('default', { clock: new VirtualClock(), ...options });
  if (via === 'fetch') return new Anthropic({ apiKey: 'sim', fetch: sim.fetch, maxRetries: 0 });
  const server = await sim.serve({ port: 0 });
  closers.push(() => server.close());
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return new Anthropic({ apiKey: 'sim', baseURL: server.url, maxRetries: 0 });
}

describe.each(['fetch', 'http'] as const)('the official SDK over %s', (via) => {
  test('messages.create answers with text, tool_use blocks with ids, stop_reason and usage', async () => {
    const message = await (await client(via)).messages.create(PARAMS);
    expect(message.type).toBe('message');
    expect(message.stop_reason).toBe('tool_use');
    const [plan, start, call] = message.content;
    expect(plan?.type === 'text' && plan.text.startsWith('Plan:')).toBe(true);
    expect(start?.type).toBe('text');
    expect(call).toMatchObject({ type: 'tool_use', name: 'bg_bash', input: { id: 'install' } });
    expect(call?.type === 'tool_use' && call.id).toMatch(/^toolu_01[A-Za-z0-9]{22}$/);
    expect(message.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(message.usage.input_tokens).toBeGreaterThan(346);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  test('messages.stream finalMessage equals the non-streamed message for the same request', async () => {
    const created = await (await client(via)).messages.create(PARAMS);
    const stream = (await client(via)).messages.stream(PARAMS);
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const { parsed_output: _, ...streamed } = (await stream.finalMessage()) as Anthropic.Message & { parsed_output?: unknown };
    expect(streamed).toEqual(created);
    expect(texts.length).toBeGreaterThan(1);
  });

  test('a multi-turn tool conversation: the model acts on the tool results it is shown', async () => {
    const c = await client(via);
    const messages: Anthropic.MessageParam[] = [...PARAMS.messages];
    const first = await c.messages.create({ ...PARAMS, messages });
    const use = first.content.find((b) => b.type === 'tool_use');
    if (use?.type !== 'tool_use') throw new Error('expected a tool call');
    messages.push({ role: 'assistant', content: first.content });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'started job "install"' }] });
    const second = await c.messages.create({ ...PARAMS, messages });
    // Nothing shows install ended: the model reviews nothing yet and polls.
    expect(second.content.at(-1)).toMatchObject({ type: 'tool_use', name: 'check_bg' });
    const poll = second.content.at(-1);
    if (poll?.type !== 'tool_use') throw new Error('expected a poll');
    messages.push({ role: 'assistant', content: second.content });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: poll.id, content: 'install completed exit_code=0' }],
    });
    const third = await c.messages.stream({ ...PARAMS, messages }).finalMessage();
    const started = third.content.flatMap((b) => (b.type === 'tool_use' ? [(b.input as { id: string }).id] : []));
    expect(started).toEqual(['lint', 'test', 'build']);
  });
});
