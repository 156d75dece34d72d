// withNotices at the edges, on the virtual runtime with a scripted model: exact times, no network.
import Anthropic from '@anthropic-ai/sdk';
import type { BetaMessage } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import {
  assistantMessage,
  createScriptedFetch,
  noticeIdsIn,
  type ScriptReply,
  textBlock,
  toolUseBlock,
} from '@bgtasks/agent/testing';
import { BackgroundExecutor } from '@bgtasks/core';
import { createVirtualRuntime, type VirtualRuntime } from '@bgtasks/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { bgTools, type WithNoticesOptions, withNotices } from './index.ts';

const executors: BackgroundExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
});

function setup(
  steps: ScriptReply[],
  options: { thinkMs?: number; maxIterations?: number; stream?: boolean } & WithNoticesOptions = {},
) {
  const runtime: VirtualRuntime = createVirtualRuntime();
  const executor = new BackgroundExecutor(runtime);
  executors.push(executor);
  const scripted = createScriptedFetch(async (_request, index) => {
    await runtime.sleep(options.thinkMs ?? 1_000);
    const step = steps[index];
    if (!step) throw new Error(`the script has no step ${index}`);
    return step;
  });
  const client = new Anthropic({ apiKey: 'test', fetch: scripted.fetch, maxRetries: 0 });
  const runner = client.beta.messages.toolRunner({
    model: 'claude-sonnet-4-6',
    max_tokens: 1024,
    thread: false,
    ...(options.maxIterations ? { max_iterations: options.maxIterations } : {}),
    stream: options.stream ?? false,
    tools: bgTools(executor, options.strategy ? { strategy: options.strategy } : {}),
    messages: [{ role: 'user', content: 'go' }],
  });
  const wakes: unknown[] = [];
  const wrapped = withNotices(runner, executor, { coalesceMs: 0, onWake: (w) => wakes.push(w), ...options });
  return { runtime, executor, requests: scripted.requests, runner, wrapped, wakes };
}

const start = (id: string, seconds: number) =>
  assistantMessage([toolUseBlock(`tu_${id}`, 'bg_bash', { command: `sleep ${seconds}`, id })]);
const done = assistantMessage([textBlock('done')]);
const idle = assistantMessage([textBlock('waiting')]);

describe('withNotices', () => {
  it('jobs that ended before the runner started ride its first request', async () => {
    const { executor, requests, wrapped } = setup([done]);
    await executor.submit({ command: 'sleep 1', id: 'early' });
    await executor.wait(['early']);
    await wrapped.runUntilDone();
    expect(noticeIdsIn(requests[0]!.body.messages)).toEqual(['early']);
    expect(requests[0]!.body.messages).toHaveLength(1);
  });

  it('wakes the model when it ends its turn with jobs running, at the moment the job ends', async () => {
    const { runtime, requests, wrapped, wakes } = setup([start('slow', 300), idle, done]);
    await wrapped.runUntilDone();
    expect(requests).toHaveLength(3);
    const wake = requests[2]!.body.messages.at(-1)!;
    expect(wake.role).toBe('user');
    expect(noticeIdsIn(wake)).toEqual(['slow']);
    expect(requests[2]!.body.messages.at(-2)).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: 'waiting' }] });
    // Started at 1 s (the first answer), the model idle from 2 s, the job ends at 301 s.
    expect(wakes).toEqual([{ reason: 'notice', waitedMs: 299_000, running: [] }]);
    expect(runtime.now()).toBe(302_000);
  });

  it('past the wake timeout it tells the model what still runs, and goes on', async () => {
    const { requests, wrapped } = setup([start('slow', 300), idle, done, done], { wakeTimeoutMs: 200_000 });
    await wrapped.runUntilDone();
    expect(requests[2]!.body.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        {
          type: 'text',
          text: 'No background job ended in the last 200 s; still running: slow. End your turn to keep waiting, or stop a job with bg_kill.',
        },
      ],
    });
    // The model ended its turn again: the wait goes on, and the notice wakes it.
    expect(noticeIdsIn(requests[3]!.body.messages.at(-1))).toEqual(['slow']);
  });

  it('with the poll strategy it stays out of the way: the run ends when the model ends its turn', async () => {
    const { requests, wrapped, executor } = setup([start('slow', 300), done], { strategy: 'poll' });
    await wrapped.runUntilDone();
    expect(requests).toHaveLength(2);
    expect(requests.flatMap((r) => noticeIdsIn(r.body.messages))).toEqual([]);
    expect(executor.get('slow').state).toBe('running');
  });

  it('at max_iterations the prepared notices go back to the bus: not lost, not shown', async () => {
    const { requests, wrapped, executor } = setup([start('a', 1), start('b', 1)], { maxIterations: 2, thinkMs: 5_000 });
    await wrapped.runUntilDone();
    expect(requests).toHaveLength(2);
    // a ended while the model thought; the runner stopped before sending its notice.
    expect(
      executor.bus
        .consumer('inject')
        .pending()
        .map((n) => n.jobId),
    ).toEqual(['a']);
    expect(noticeIdsIn(wrapped.runner.params.messages)).toEqual([]);
  });

  it('a loop body that rewrites the messages has its way; the notices ride the next request made here', async () => {
    const { executor, requests, wrapped } = setup([start('a', 1), idle, done], { thinkMs: 5_000 });
    // Ends while the model thinks its first answer.
    await executor.submit({ command: 'sleep 1', id: 'early' });
    let turn = 0;
    for await (const item of wrapped) {
      if (turn++ > 0) continue;
      const message = item as BetaMessage;
      // Answer the call ourselves instead of running it.
      const call = message.content.find((b) => b.type === 'tool_use');
      wrapped.runner.setMessagesParams((p) => ({
        ...p,
        messages: [
          ...p.messages,
          { role: 'assistant', content: message.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, content: 'handled by the caller' }] },
        ],
      }));
    }
    expect(requests[1]!.body.messages.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'tu_a', content: 'handled by the caller' }],
    });
    expect(executor.list().map((j) => j.id)).toEqual(['early']);
    // Left alone that turn, the notice waited; the idle answer brought the wake-up with it.
    expect(requests.map((r) => noticeIdsIn(r.body.messages.at(-1)))).toEqual([[], [], ['early']]);
  });

  it.each([false, true])('a caller that leaves the loop early leaves nothing leased (stream: %s)', async (stream) => {
    const { executor, requests, wrapped } = setup([start('a', 1), done], { thinkMs: 5_000, stream });
    await executor.submit({ command: 'true', id: 'early' });
    await executor.wait(['early']);
    for await (const _ of wrapped) break;
    const consumer = executor.bus.consumer('inject');
    expect(consumer.leased).toBe(0);
    expect(requests.flatMap((r) => noticeIdsIn(r.body.messages))).toEqual(['early']);
    // Its request answered, the notice is delivered; a stream cut off by the exit is a failed
    // request, and the notice goes back to ride the next one.
    const pending = consumer.pending().map((n) => n.jobId);
    if (stream) expect([[], ['early']]).toContainEqual(pending);
    else expect(pending).toEqual([]);
  });
});
