import { readFileSync } from 'node:fs';
import { VirtualClock } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { createSimModel } from './index.ts';

/**
 * Requests Claude Code 2.1.337 sent to a recording proxy in front of `bgtasks-sim`, running
 * `bgtasks-mcp` (scripts/claude-code/README.md says how they were recorded and scrubbed): the
 * last request of the `default` scenario with tool search on (a mid-conversation system message,
 * adaptive thinking sent back as empty thinking blocks, `ToolSearch` answered with
 * `tool_reference` blocks, the MCP tools as `mcp__bgtasks__*` with `defer_loading`), and the
 * first request with tool search off (the MCP tools offered directly).
 */
interface Recorded {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function fixture(name: string): Recorded {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Recorded;
}

interface Event {
  type: string;
  [key: string]: unknown;
}

async function send(recorded: Recorded): Promise<{ status: number; events: Event[] }> {
  const sim = createSimModel('default', { clock: new VirtualClock() });
  const response = await sim.handle(
    new Request(`http://127.0.0.1${recorded.path}`, {
      method: 'POST',
      headers: { ...recorded.headers, 'content-type': 'application/json', 'x-api-key': 'sim' },
      body: JSON.stringify(recorded.body),
    }),
  );
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, events: [{ type: 'error', body: text }] };
  const events = text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as Event);
  return { status: response.status, events };
}

function blocksOf(events: Event[]): Array<Record<string, unknown>> {
  return events.filter((e) => e.type === 'content_block_start').map((e) => e.content_block as Record<string, unknown>);
}

describe('requests recorded from Claude Code 2.1.337', () => {
  test('the last request of a run with tool search is accepted and answered with thinking and the full tool names', async () => {
    const recorded = fixture('claude-code-2.1.337-tool-search.json');
    expect(recorded.path).toBe('/v1/messages?beta=true');
    expect(recorded.headers['anthropic-beta']).toContain('mid-conversation-tool-changes-2026-07-01');
    const messages = recorded.body.messages as Array<{ role: string }>;
    expect(messages.map((m) => m.role)).toContain('system');
    const { status, events } = await send(recorded);
    expect(status, JSON.stringify(events[0])).toBe(200);
    const blocks = blocksOf(events);
    // Adaptive thinking with display "omitted": a thinking block whose text stays empty, signed.
    expect(blocks[0]).toMatchObject({ type: 'thinking' });
    expect(events.some((e) => (e.delta as { type?: string } | undefined)?.type === 'signature_delta')).toBe(true);
    expect(events.some((e) => (e.delta as { type?: string } | undefined)?.type === 'thinking_delta')).toBe(false);
    // The recorded conversation has every job ended: the model answers.
    const delta = events.find((e) => e.type === 'message_delta') as Event & { delta: { stop_reason: string } };
    expect(delta.delta.stop_reason).toBe('end_turn');
    // context_management was asked for: what was applied is reported (keep "all": nothing).
    expect(delta.context_management).toEqual({ applied_edits: [] });
  });

  test('the first request with tool search off is accepted and starts the first job under its MCP name', async () => {
    const recorded = fixture('claude-code-2.1.337-no-tool-search.json');
    const tools = recorded.body.tools as Array<{ name: string }>;
    expect(tools.map((t) => t.name)).toContain('mcp__bgtasks__bg_bash');
    const { status, events } = await send(recorded);
    expect(status, JSON.stringify(events[0])).toBe(200);
    const calls = blocksOf(events).filter((b) => b.type === 'tool_use');
    expect(calls.map((c) => c.name)).toEqual(['mcp__bgtasks__bg_bash']);
    const input = events
      .filter((e) => e.type === 'content_block_delta' && (e.delta as { type: string }).type === 'input_json_delta')
      .map((e) => (e.delta as { partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(input)).toMatchObject({ id: 'install' });
  });

  test('the same bodies are counted by count_tokens', async () => {
    const sim = createSimModel('default', { clock: new VirtualClock() });
    for (const name of ['claude-code-2.1.337-tool-search.json', 'claude-code-2.1.337-no-tool-search.json']) {
      const { headers, body } = fixture(name);
      const { max_tokens: _, stream: __, ...countBody } = body;
      const response = await sim.handle(
        new Request('http://127.0.0.1/v1/messages/count_tokens?beta=true', {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(countBody),
        }),
      );
      expect(response.status).toBe(200);
      expect(((await response.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(1000);
    }
  });
});
