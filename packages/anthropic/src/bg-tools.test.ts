import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { assistantMessage, createScriptedFetch, noticeIdsIn, textBlock, toolUseBlock } from '@bgtasks/agent/testing';
import { BackgroundExecutor } from '@bgtasks/core';
import { inputSchemaOf } from '@bgtasks/polling';
import { createRuntime } from '@bgtasks/runtime';
import { toolsFor } from '@bgtasks/strategies';
import { afterEach, describe, expect, it } from 'vitest';
import { bgTools, type ToolCall } from './index.ts';

const executors: BackgroundExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
});

function executor(): BackgroundExecutor {
  const e = new BackgroundExecutor(createRuntime());
  executors.push(e);
  return e;
}

type ToolResult = { type: 'tool_result'; tool_use_id: string; content: unknown; is_error?: boolean };
const resultsOf = (m: MessageParam | undefined): ToolResult[] =>
  Array.isArray(m?.content) ? (m.content.filter((b) => b.type === 'tool_result') as ToolResult[]) : [];

describe('bgTools', () => {
  it('gives each strategy its tools as runnable tools, with the descriptors’ schemas', () => {
    const e = executor();
    expect(bgTools(e).map((t) => t.name)).toEqual(['bg_bash', 'bg_output', 'bg_kill', 'bg_write']);
    expect(bgTools(e, { strategy: 'block' }).map((t) => t.name)).toEqual(['bash']);
    const poll = bgTools(e, { strategy: 'poll' });
    const descriptors = toolsFor('poll', e).tools;
    expect(poll.map((t) => [t.type, t.name, t.description, t.input_schema])).toEqual(
      descriptors.map((d) => ['custom', d.name, d.description, inputSchemaOf(d.inputSchema)]),
    );
  });

  it('runs in the SDK tool runner: good calls answer, bad input comes back as is_error saying how to call it', async () => {
    const e = executor();
    const scripted = createScriptedFetch((_request, index) => {
      if (index === 0) {
        return assistantMessage([
          toolUseBlock('tu_bad', 'bg_bash', { command: '', extra: 1 }),
          toolUseBlock('tu_ok', 'bg_bash', { command: 'echo hi', id: 'x' }),
          toolUseBlock('tu_none', 'check_bg', { id: 'nope' }),
          toolUseBlock('tu_gone', 'bash', { command: 'ls' }),
        ]);
      }
      if (index === 1) return assistantMessage([toolUseBlock('tu_wait', 'bg_wait', { ids: ['x'], timeout_s: 30 })]);
      return assistantMessage([textBlock('done')]);
    });
    const client = new Anthropic({ apiKey: 'test', fetch: scripted.fetch, maxRetries: 0 });
    const calls: ToolCall[] = [];
    const final = await client.beta.messages
      .toolRunner({
        model: 'claude-sonnet-4-6',
        max_tokens: 1024,
        thread: false,
        tools: bgTools(e, { strategy: 'poll', onCall: (call) => calls.push(call) }),
        messages: [{ role: 'user', content: 'go' }],
      })
      .runUntilDone();
    // Every call the runner made, with the model's tool_use id; the unknown tool never reached a descriptor.
    expect(calls.map((c) => [c.toolUseId, c.name, c.outcome.isError]).sort()).toEqual([
      ['tu_bad', 'bg_bash', true],
      ['tu_none', 'check_bg', true],
      ['tu_ok', 'bg_bash', false],
      ['tu_wait', 'bg_wait', false],
    ]);
    expect(calls.every((c) => c.endedAt >= c.startedAt)).toBe(true);
    expect(final.content).toMatchObject([{ type: 'text', text: 'done' }]);
    const first = resultsOf(scripted.requests[1]!.body.messages.at(-1));
    expect(first.map((r) => [r.tool_use_id, r.is_error ?? false])).toEqual([
      ['tu_bad', true],
      ['tu_ok', false],
      ['tu_none', true],
      ['tu_gone', true],
    ]);
    // The descriptor's own answer, word for word: what was wrong and how to call the tool.
    const bad = await toolsFor('poll', e).handle('bg_bash', { command: '', extra: 1 }, new AbortController().signal);
    expect(first[0]!.content).toBe(bad.text);
    expect(bad.text).toMatch(
      /^invalid input for bg_bash: command: must not be empty; input: Unrecognized key: "extra"\nCall it as bg_bash/,
    );
    expect(first[1]!.content).toBe('started job "x" (echo hi)');
    // The runner runs a reply's calls at once, so check_bg may run before x exists.
    expect(first[2]!.content).toMatch(
      /^check_bg failed: unknown job id "nope"; (known jobs: x|there are no jobs)\nCall it as check_bg/,
    );
    expect(first[3]!.content).toBe("Error: Tool 'bash' not found");
    expect(noticeIdsIn(scripted.requests[2]!.body.messages.at(-1))).toEqual(['x']);
    expect(e.get('x').state).toBe('completed');
  });

  it('an aborted runner stops a foreground command: the job is killed, not left running', async () => {
    const e = executor();
    const abort = new AbortController();
    const scripted = createScriptedFetch(() => assistantMessage([toolUseBlock('tu', 'bash', { command: 'sleep 30' })]));
    const client = new Anthropic({ apiKey: 'test', fetch: scripted.fetch, maxRetries: 0 });
    const runner = client.beta.messages.toolRunner(
      {
        model: 'claude-sonnet-4-6',
        max_tokens: 1024,
        thread: false,
        tools: bgTools(e, { strategy: 'block' }),
        messages: [{ role: 'user', content: 'go' }],
      },
      { signal: abort.signal },
    );
    const running = runner.runUntilDone();
    running.catch(() => {});
    for (let i = 0; i < 200 && e.list().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    await expect(running).rejects.toThrow();
    await e.wait(e.list().map((j) => j.id));
    expect(e.list().map((j) => j.state)).toEqual(['killed']);
    expect(scripted.requests).toHaveLength(1);
  });
});
