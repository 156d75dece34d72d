import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { BackgroundExecutor, NOTICE_HEADER } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { createVirtualRuntime, type VirtualRuntime } from '@bgtasks/runtime/testing';
import { describe, expect, it } from 'vitest';
import {
  type AgentEvent,
  injectStrategy,
  ModelRequestError,
  runAgent,
  type Strategy,
  type StrategyName,
  toolsFor,
} from './index.ts';
import {
  assistantMessage,
  createScriptedFetch,
  noticeIdsIn,
  type ScriptReply,
  textBlock,
  toolUseBlock,
} from './testing/index.ts';

/** A model that plays `steps` in order, thinking `thinkMs` on the runtime's clock before each. */
function scripted(runtime: VirtualRuntime | undefined, steps: ScriptReply[], thinkMs = 0) {
  return createScriptedFetch(async (_request, index) => {
    if (runtime && thinkMs > 0) await runtime.sleep(thinkMs);
    const step = steps[index];
    if (!step) throw new Error(`the script has no step ${index}`);
    return step;
  });
}

async function run(
  strategy: StrategyName | Strategy,
  steps: ScriptReply[],
  options: { runtime?: VirtualRuntime; thinkMs?: number; maxRetries?: number; maxTurns?: number; signal?: AbortSignal } = {},
) {
  const executor = new BackgroundExecutor(options.runtime ?? createRuntime());
  const fetch = scripted(options.runtime, steps, options.thinkMs);
  const client = new Anthropic({ apiKey: 'test', fetch: fetch.fetch, maxRetries: options.maxRetries ?? 1 });
  const events: AgentEvent[] = [];
  try {
    const result = await runAgent({
      client,
      model: 'claude-sonnet-4-6',
      strategy,
      executor,
      system: 'sys',
      prompt: 'go',
      maxTurns: options.maxTurns ?? 10,
      onEvent: (e) => events.push(e),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { result, requests: fetch.requests, events, executor };
  } finally {
    await executor.close();
  }
}

const startTwo = assistantMessage([
  toolUseBlock('tu_a', 'bg_bash', { command: 'sleep 5', id: 'a' }),
  toolUseBlock('tu_b', 'bg_bash', { command: 'sleep 5', id: 'b' }),
]);
const readA = assistantMessage([toolUseBlock('tu_o', 'bg_output', { id: 'a' })]);
const done = assistantMessage([textBlock('done')]);

describe('inject on the virtual runtime', () => {
  it('sends exactly these messages: notices in the last tool_result, cache breakpoints on tools, system and the last block', async () => {
    const runtime = createVirtualRuntime();
    const { requests, events, result } = await run('inject', [startTwo, readA, done], { runtime, thinkMs: 10_000 });
    expect(requests).toHaveLength(3);
    const last = requests[2]!.body;
    expect(last.system).toEqual([{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }]);
    expect(last.tools?.map((t) => ('cache_control' in t ? t.cache_control : undefined))).toEqual([
      undefined,
      undefined,
      undefined,
      { type: 'ephemeral' },
    ]);
    const notice = (id: string) =>
      `<bg_notice id="${id}" state="completed" exit_code="0" duration_ms="5000" output_bytes="0" truncated="false">\n</bg_notice>`;
    expect(last.messages).toEqual<MessageParam[]>([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: startTwo.content as never },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'tu_a', content: 'started job "a" (sleep 5)' },
          { type: 'tool_result', tool_use_id: 'tu_b', content: 'started job "b" (sleep 5)' },
        ],
      },
      { role: 'assistant', content: readA.content as never },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'tu_o',
            content: [
              { type: 'text', text: 'job "a" (completed) output bytes 0-0 of 0; end of output so far\n' },
              { type: 'text', text: `${NOTICE_HEADER}\n${notice('a')}\n${notice('b')}` },
            ],
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
    ]);
    // The first request carried the prompt as a text block with the breakpoint.
    expect(requests[0]!.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'go', cache_control: { type: 'ephemeral' } }] },
    ]);
    // Exact virtual timeline: jobs start at 10 s (first answer) and end at 15 s; the request
    // carrying their notices leaves at 20 s.
    expect(events.filter((e) => e.type === 'turn').map((e) => e.at)).toEqual([0, 10_000, 20_000]);
    expect(events.filter((e) => e.type === 'job_ended').map((e) => [e.jobId, e.at])).toEqual([
      ['a', 15_000],
      ['b', 15_000],
    ]);
    expect(events.filter((e) => e.type === 'notice_delivered').map((e) => [e.jobId, e.latencyMs, e.via])).toEqual([
      ['a', 5_000, 'injected'],
      ['b', 5_000, 'injected'],
    ]);
    expect(result.stopReason).toBe('end_turn');
    expect(noticeIdsIn(result.messages)).toEqual(['a', 'b']);
  });

  it('a 500 that the SDK retries carries the same notices again, and they land in the history once', async () => {
    const runtime = createVirtualRuntime();
    const { requests, events, result } = await run('inject', [startTwo, readA, { status: 500 }, done], {
      runtime,
      thinkMs: 10_000,
      maxRetries: 1,
    });
    expect(requests).toHaveLength(4);
    expect(requests[3]!.body).toEqual(requests[2]!.body);
    expect(noticeIdsIn(requests[3]!.body.messages.at(-1))).toEqual(['a', 'b']);
    expect(noticeIdsIn(result.messages)).toEqual(['a', 'b']);
    expect(events.filter((e) => e.type === 'notice_delivered').map((e) => e.jobId)).toEqual(['a', 'b']);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('when the SDK gives up, the error is clear and the notices wait for the next request', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const fetch = scripted(runtime, [startTwo, readA, { status: 529, message: 'overloaded' }], 10_000);
    const client = new Anthropic({ apiKey: 'test', fetch: fetch.fetch, maxRetries: 0 });
    const events: AgentEvent[] = [];
    const failing = runAgent({
      client,
      model: 'claude-sonnet-4-6',
      strategy: 'inject',
      executor,
      prompt: 'go',
      onEvent: (e) => events.push(e),
    });
    const error = await failing.catch((e: unknown) => e);
    expect(ModelRequestError.isInstance(error)).toBe(true);
    const failure = error as ModelRequestError<{ stopReason: string; turns: number }>;
    expect(failure.status).toBe(529);
    expect(failure.turn).toBe(3);
    expect(failure.message).toMatch(/^model request of turn 3 failed with status 529 after the SDK's retries: 529/);
    expect(failure.partial).toMatchObject({ stopReason: 'error', turns: 3 });
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'notice_delivered')).toEqual([]);
    expect(
      executor.bus
        .consumer('inject')
        .pending()
        .map((n) => n.jobId),
    ).toEqual(['a', 'b']);
    await executor.close();
  });

  it('end_turn while jobs run waits for the next notice and wakes the model with it, on time', async () => {
    const runtime = createVirtualRuntime();
    const startSlow = assistantMessage([toolUseBlock('tu_s', 'bg_bash', { command: 'sleep 300', id: 'slow' })]);
    const wait = assistantMessage([textBlock('waiting')]);
    const { requests, events, result } = await run('inject', [startSlow, wait, done], { runtime, thinkMs: 1_000 });
    expect(requests[2]!.body.messages.slice(-2)).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'waiting', citations: null }] },
      {
        role: 'user',
        content: [
          {
            type: 'text',
            text: `${NOTICE_HEADER}\n<bg_notice id="slow" state="completed" exit_code="0" duration_ms="300000" output_bytes="0" truncated="false">\n</bg_notice>`,
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
    ]);
    const wake = events.find((e) => e.type === 'wake');
    expect(wake).toMatchObject({ reason: 'notice', at: 301_020, waitedMs: 299_020, running: [] });
    expect(events.filter((e) => e.type === 'notice_delivered')).toMatchObject([{ jobId: 'slow', latencyMs: 20, via: 'wake' }]);
    expect(result).toMatchObject({ stopReason: 'end_turn', turns: 3, runningJobs: [] });
  });
});

describe('poll and the loop limits', () => {
  it('bad tool input goes back as is_error, with what was wrong and the valid ids', async () => {
    const bad = assistantMessage([
      toolUseBlock('tu_1', 'bg_bash', { command: '' }),
      toolUseBlock('tu_2', 'check_bg', { id: 'nope' }),
      toolUseBlock('tu_3', 'bg_wait', { timeout_s: -1 }),
      toolUseBlock('tu_4', 'bash', { command: 'ls' }),
    ]);
    const { requests, events } = await run('poll', [bad, done], { runtime: createVirtualRuntime() });
    const results = requests[1]!.body.messages.at(-1)!.content as Array<{
      tool_use_id: string;
      is_error?: boolean;
      content: string;
    }>;
    expect(results.map((r) => [r.tool_use_id, r.is_error])).toEqual([
      ['tu_1', true],
      ['tu_2', true],
      ['tu_3', true],
      ['tu_4', true],
    ]);
    expect(results[0]!.content).toContain('command: must not be empty');
    expect(results[1]!.content).toContain('unknown job id "nope"; there are no jobs');
    expect(results[2]!.content).toContain('timeout_s: Too small');
    expect(results[3]!.content).toBe(
      'unknown tool "bash"; the tools available here are: bg_bash, check_bg, bg_wait, bg_output, bg_kill, bg_write',
    );
    expect(events.filter((e) => e.type === 'tool_call').every((e) => e.isError)).toBe(true);
  });

  it('poll: a model that ends its turn while jobs run simply ends, with the jobs reported', async () => {
    const start = assistantMessage([toolUseBlock('tu', 'bg_bash', { command: 'sleep 60', id: 'long' })]);
    const { result } = await run('poll', [start, done], { runtime: createVirtualRuntime() });
    expect(result).toMatchObject({ stopReason: 'end_turn', turns: 2, runningJobs: ['long'] });
  });

  it('stops at maxTurns with a clear result', async () => {
    const poll = assistantMessage([toolUseBlock('tu', 'check_bg', {})]);
    const { result } = await run('poll', [poll, poll, poll, poll], { runtime: createVirtualRuntime(), maxTurns: 3 });
    expect(result).toMatchObject({ stopReason: 'max_turns', turns: 3 });
    expect(result.usage.map((u) => u.turn)).toEqual([1, 2, 3]);
  });

  it('max_tokens: a cut-off tool call is answered with is_error, cut-off text ends the run', async () => {
    const cut = assistantMessage([toolUseBlock('tu', 'bg_bash', { command: 'sleep' })], { stopReason: 'max_tokens' });
    const cutText = assistantMessage([textBlock('and then I')], { stopReason: 'max_tokens' });
    const { result, requests } = await run('poll', [cut, cutText], { runtime: createVirtualRuntime() });
    expect(result.stopReason).toBe('max_tokens');
    expect(requests[1]!.body.messages.at(-1)).toMatchObject({
      content: [{ type: 'tool_result', tool_use_id: 'tu', is_error: true }],
    });
    expect(result.runningJobs).toEqual([]);
  });

  it('accounts usage per turn and prices it from the table', async () => {
    const u = { input: 1_000, cacheCreation: 2_000, cacheRead: 10_000, output: 500 };
    const { result, events } = await run('block', [assistantMessage([textBlock('hi')], { usage: u })], {
      runtime: createVirtualRuntime(),
    });
    // claude-sonnet-4-6: $3 input, $3.75 cache write, $0.30 cache read, $15 output per MTok.
    const cost = (1_000 * 3 + 2_000 * 3.75 + 10_000 * 0.3 + 500 * 15) / 1e6;
    expect(result.usage).toEqual([{ turn: 1, ...u, costUsd: cost }]);
    expect(result.totalUsage).toEqual(u);
    expect(result.costUsd).toBeCloseTo(cost, 12);
    expect(result.price?.model).toBe('claude-sonnet-4-6');
    expect(events.map((e) => e.type)).toEqual(['turn', 'usage', 'turn_end', 'done']);
  });

  it('an abort ends the run with stopReason aborted', async () => {
    const abort = new AbortController();
    const runtime = createVirtualRuntime();
    const wait = assistantMessage([toolUseBlock('tu', 'bg_wait', { timeout_s: 600 })]);
    const start = assistantMessage([toolUseBlock('tu0', 'bg_bash', { command: 'sleep 100', id: 'x' })]);
    runtime.clock.setTimer(50_000, () => abort.abort());
    const { result } = await run('poll', [start, wait, done], { runtime, signal: abort.signal });
    expect(result.stopReason).toBe('aborted');
    expect(runtime.now()).toBe(50_000);
  });
});

describe('a strategy object of your own', () => {
  it('drives the loop at its four points: tools, notices placed before each request, settled after, end of turn', async () => {
    const runtime = createVirtualRuntime();
    const calls: string[] = [];
    let nudged = false;
    // Delivers the inject way but from its own consumer, and nudges once when the model ends its turn.
    const inner = injectStrategy({ consumer: 'mine' });
    const mine: Strategy = {
      name: 'mine',
      tools: (executor) => toolsFor('poll', executor),
      beforeRequest: async (context) => {
        const batch = await inner.beforeRequest(context);
        calls.push(`before:${batch.notices.map((n) => n.jobId).join(',')}`);
        return batch;
      },
      afterSuccess: async (batch, context) => {
        calls.push('success');
        await inner.afterSuccess(batch, context);
      },
      afterFailure: async (batch, context) => {
        calls.push('failure');
        await inner.afterFailure(batch, context);
      },
      onEndTurn: async ({ turnsLeft }) => {
        calls.push(`end:${turnsLeft}`);
        if (nudged) return { action: 'stop' };
        nudged = true;
        return { action: 'continue', say: 'are you sure?' };
      },
    };
    const start = assistantMessage([toolUseBlock('tu', 'bg_bash', { command: 'sleep 5', id: 'a' })]);
    const { requests, result, events } = await run(mine, [start, readA, { status: 500 }, done, done], {
      runtime,
      thinkMs: 10_000,
      maxRetries: 1,
    });
    expect(requests.map((r) => (r.body.tools ?? []).length)).toEqual([6, 6, 6, 6, 6]);
    // The 500 is retried by the SDK with the same body: the notice rode both, and was settled once.
    expect(noticeIdsIn(requests[2]!.body.messages.at(-1))).toEqual(['a']);
    expect(requests[3]!.body).toEqual(requests[2]!.body);
    expect(requests[4]!.body.messages.at(-1)).toMatchObject({ role: 'user', content: [{ type: 'text', text: 'are you sure?' }] });
    expect(calls).toEqual([
      'before:',
      'success',
      'before:',
      'success',
      'before:a',
      'success',
      'end:7',
      'before:',
      'success',
      'end:6',
    ]);
    expect(events.filter((e) => e.type === 'notice_delivered')).toMatchObject([{ jobId: 'a', via: 'injected' }]);
    expect(result).toMatchObject({ stopReason: 'end_turn', turns: 4 });
    expect(noticeIdsIn(result.messages)).toEqual(['a']);
  });

  it('a failed request settles its batch with afterFailure, and job events come from the executor', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const settled: string[] = [];
    const mine: Strategy = {
      ...injectStrategy(),
      afterSuccess: (batch) => {
        settled.push(`ok:${batch.notices.length}`);
        return executor.bus.consumer('inject').ack(batch.lease!);
      },
      afterFailure: (batch) => {
        settled.push(`failed:${batch.notices.map((n) => n.jobId)}`);
        return executor.bus.consumer('inject').release(batch.lease!);
      },
    };
    const fetch = scripted(runtime, [startTwo, readA, { status: 529 }], 10_000);
    const client = new Anthropic({ apiKey: 'test', fetch: fetch.fetch, maxRetries: 0 });
    const events: AgentEvent[] = [];
    const failing = runAgent({ client, model: 'm', strategy: mine, executor, prompt: 'go', onEvent: (e) => events.push(e) });
    await expect(failing).rejects.toMatchObject({ name: 'ModelRequestError', status: 529 });
    expect(settled).toEqual(['ok:0', 'ok:0', 'failed:a,b']);
    expect(events.filter((e) => e.type === 'job_started').map((e) => [e.jobId, e.command, e.at])).toEqual([
      ['a', 'sleep 5', 10_000],
      ['b', 'sleep 5', 10_000],
    ]);
    expect(events.filter((e) => e.type === 'job_ended').map((e) => [e.jobId, e.at])).toEqual([
      ['a', 15_000],
      ['b', 15_000],
    ]);
    await executor.close();
  });
});
