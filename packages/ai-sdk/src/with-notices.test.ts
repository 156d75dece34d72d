// The hooks driven step by step as the AI SDK drives them (prepareStep, then onStepFinish when the
// step's request succeeded), on the virtual runtime so job ends and timeouts are exact.
import { noticeIdsIn } from '@bgtasks/agent/testing';
import { BackgroundExecutor } from '@bgtasks/core';
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { injectStrategy, pollStrategy, type Strategy } from '@bgtasks/strategies';
import type { ModelMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { type NoticeDelivery, NoticeHistoryError, runUntilDone, withNotices } from './index.ts';

const executors: BackgroundExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
});

function setup(strategy: Strategy = injectStrategy({ coalesceMs: 0, wakeTimeoutMs: 30_000 })) {
  const runtime = createVirtualRuntime();
  const executor = new BackgroundExecutor(runtime);
  executors.push(executor);
  const deliveries: NoticeDelivery[] = [];
  const notices = withNotices(executor, { strategy, onDelivered: (d) => deliveries.push(d) });
  return { runtime, executor, notices, deliveries, consumer: executor.bus.consumer('inject') };
}

async function ended(executor: BackgroundExecutor, ...ids: string[]): Promise<void> {
  for (const id of ids) await executor.submit({ command: 'true', id });
  await executor.wait(ids);
}

const prompt: ModelMessage = { role: 'user', content: 'build' };
const call = (id: string): ModelMessage => ({
  role: 'assistant',
  content: [{ type: 'tool-call', toolCallId: id, toolName: 'bg_output', input: { id: 'a' } }],
});
const result = (id: string): ModelMessage => ({
  role: 'tool',
  content: [{ type: 'tool-result', toolCallId: id, toolName: 'bg_output', output: { type: 'text', value: 'out' } }],
});
const answer: ModelMessage = { role: 'assistant', content: 'done' };

describe('withNotices', () => {
  it('carries the notices the model read into every later step and the history, and acks them once', async () => {
    const { executor, notices, deliveries, consumer } = setup();
    await ended(executor, 'a');
    const step0 = await notices.prepareStep({ stepNumber: 0, messages: [prompt] });
    expect(noticeIdsIn(step0.messages)).toEqual(['a']);
    expect(consumer.leased).toBe(1);
    await notices.onStepFinish();
    expect(consumer.leased).toBe(0);
    await ended(executor, 'b');
    // The SDK passes its own messages, without what prepareStep added before.
    const step1 = await notices.prepareStep({ stepNumber: 1, messages: [prompt, call('c1'), result('c1')] });
    expect(noticeIdsIn(step1.messages)).toEqual(['a', 'b']);
    expect(noticeIdsIn(step1.messages.at(-1))).toEqual(['b']);
    await notices.onStepFinish();
    const step2 = await notices.prepareStep({
      stepNumber: 2,
      messages: [prompt, call('c1'), result('c1'), call('c2'), result('c2')],
    });
    expect(noticeIdsIn(step2.messages)).toEqual(['a', 'b']);
    expect(consumer.leased).toBe(0);
    await notices.onStepFinish();
    const history = notices.history({ messages: [call('c1'), result('c1'), call('c2'), result('c2'), answer] });
    expect(history).toEqual([...step2.messages, answer]);
    expect(deliveries.map((d) => [d.placement, d.stepNumber, d.notices.map((n) => n.jobId)])).toEqual([
      ['user_text', 0, ['a']],
      ['tool_result', 1, ['b']],
    ]);
  });

  it('releases the notices of a step that never finished; the next call carries them, once', async () => {
    const { executor, notices, deliveries, consumer } = setup();
    await notices.prepareStep({ stepNumber: 0, messages: [prompt] });
    await notices.onStepFinish();
    await ended(executor, 'a');
    const failed = await notices.prepareStep({ stepNumber: 1, messages: [prompt, call('c1'), result('c1')] });
    expect(noticeIdsIn(failed.messages)).toEqual(['a']);
    // The request failed for good: no onStepFinish. The caller resumes from what succeeded.
    await ended(executor, 'b');
    const resume = await notices.rollback();
    expect(resume).toEqual([prompt, call('c1'), result('c1')]);
    expect(consumer.pending().map((n) => n.jobId)).toEqual(['a', 'b']);
    const retried = await notices.prepareStep({ stepNumber: 0, messages: resume });
    expect(noticeIdsIn(retried.messages.at(-1))).toEqual(['a', 'b']);
    await notices.onStepFinish();
    expect(deliveries.map((d) => d.notices.map((n) => n.jobId))).toEqual([['a', 'b']]);
  });

  it('a new call releases a lease its failed predecessor left open, even without rollback()', async () => {
    const { executor, notices, consumer } = setup();
    await ended(executor, 'a');
    await notices.prepareStep({ stepNumber: 0, messages: [prompt] });
    const again = await notices.prepareStep({ stepNumber: 0, messages: [prompt] });
    expect(noticeIdsIn(again.messages)).toEqual(['a']);
    expect(consumer.leased).toBe(1);
  });

  it('history() acks the last step when onStepFinish was not passed, so the next call does not repeat it', async () => {
    const { executor, notices, deliveries, consumer } = setup();
    await ended(executor, 'a');
    const step = await notices.prepareStep({ stepNumber: 0, messages: [prompt] });
    const history = notices.history({ messages: [answer] });
    expect(history).toEqual([...step.messages, answer]);
    const next = await notices.prepareStep({ stepNumber: 0, messages: history });
    expect(noticeIdsIn(next.messages)).toEqual(['a']);
    expect(consumer.leased).toBe(0);
    expect(deliveries.map((d) => d.notices.map((n) => n.jobId))).toEqual([['a']]);
  });

  it('after the model ended its turn, places the notices as a user message of their own', async () => {
    const { executor, notices, deliveries } = setup();
    await ended(executor, 'a');
    const step = await notices.prepareStep({ stepNumber: 0, messages: [prompt, answer] });
    expect(step.messages.slice(0, 2)).toEqual([prompt, answer]);
    expect(step.messages[2]?.role).toBe('user');
    await notices.onStepFinish();
    expect(deliveries[0]?.placement).toBe('wake');
  });

  it('history() refuses a response that is not the last call’s, and a call it never saw', async () => {
    const { notices } = setup();
    expect(() => notices.history({ messages: [] })).toThrow(NoticeHistoryError);
    await notices.prepareStep({ stepNumber: 0, messages: [prompt] });
    await notices.prepareStep({ stepNumber: 1, messages: [prompt, call('c1'), result('c1')] });
    expect(() => notices.history({ messages: [answer] })).toThrow(
      /got 1 response messages, but the last call had already sent 2/,
    );
  });

  it('endTurn() asks the strategy: stop with nothing running, wake on the next notice, tell the model at the wake timeout', async () => {
    const { runtime, executor, notices, consumer } = setup();
    expect(await notices.endTurn()).toEqual({ action: 'stop' });
    await executor.submit({ command: 'sleep 50', id: 'slow' });
    const from = runtime.now();
    const timedOut = await notices.endTurn();
    expect(timedOut).toMatchObject({ action: 'continue', wake: { reason: 'timeout', waitedMs: 30_000, running: ['slow'] } });
    expect(timedOut.action === 'continue' && timedOut.say).toMatch(
      /No background job ended in the last 30 s; still running: slow/,
    );
    expect(runtime.now() - from).toBe(30_000);
    expect(notices.running()).toEqual(['slow']);
    expect(await notices.endTurn({ turnsLeft: 0 })).toEqual({ action: 'stop', reason: 'max_turns' });
    expect(await notices.endTurn()).toMatchObject({ action: 'continue', wake: { reason: 'notice' } });
    expect(consumer.pending().map((n) => n.jobId)).toEqual(['slow']);
    const abort = new AbortController();
    await executor.submit({ command: 'sleep 100', id: 'slower' });
    await consumer.ack(consumer.lease());
    const waiting = notices.endTurn({ signal: abort.signal });
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortedError' });
  });

  it('with the poll strategy pushes nothing, and a nudging poll strategy goes on while jobs run', async () => {
    const { executor, notices, deliveries } = setup(pollStrategy({ nudge: true }));
    await ended(executor, 'a');
    const step = await notices.prepareStep({ stepNumber: 0, messages: [prompt] });
    expect(step.messages).toEqual([prompt]);
    await notices.onStepFinish();
    expect(deliveries).toEqual([]);
    expect(await notices.endTurn()).toEqual({ action: 'stop' });
    await executor.submit({ command: 'sleep 10', id: 'b' });
    const nudge = await notices.endTurn();
    expect(nudge).toMatchObject({ action: 'continue' });
    expect(nudge.action === 'continue' && nudge.say).toMatch(/still running: b/);
  });
});

describe('runUntilDone', () => {
  it('wakes the model with each notice, tells it when the wake timeout passes, and ends when nothing runs', async () => {
    const { executor, notices } = setup();
    const seen: ModelMessage[][] = [];
    // A model that starts one job and then ends its turn; every call goes through the hooks.
    const generate = async (messages: ModelMessage[]) => {
      const step = await notices.prepareStep({ stepNumber: 0, messages });
      seen.push(step.messages);
      if (seen.length === 1) await executor.submit({ command: 'sleep 50', id: 'job' });
      await notices.onStepFinish();
      return { response: { messages: [{ role: 'assistant', content: `turn ${seen.length}` }] as ModelMessage[] } };
    };
    const run = await runUntilDone({ notices, messages: [prompt], generate });
    expect(run.stopReason).toBe('done');
    expect(run.results).toHaveLength(3);
    expect(JSON.stringify(seen[1]?.at(-1))).toContain('No background job ended in the last 30 s; still running: job.');
    expect(noticeIdsIn(seen[2]?.at(-1))).toEqual(['job']);
    expect(noticeIdsIn(run.messages)).toEqual(['job']);
    expect(run.messages.at(-1)).toEqual({ role: 'assistant', content: 'turn 3' });
  });

  it('rejects with the failed call’s error and releases its notices', async () => {
    const { executor, notices, consumer } = setup();
    await ended(executor, 'a');
    const run = runUntilDone({
      notices,
      messages: [prompt],
      generate: async (messages) => {
        await notices.prepareStep({ stepNumber: 0, messages });
        throw new Error('HTTP 500');
      },
    });
    await expect(run).rejects.toThrow('HTTP 500');
    expect(consumer.leased).toBe(0);
    expect(consumer.pending().map((n) => n.jobId)).toEqual(['a']);
  });

  it('stops after maxCalls while jobs still run', async () => {
    const { executor, notices } = setup();
    await executor.submit({ command: 'sleep 1000', id: 'forever' });
    const run = await runUntilDone({
      notices,
      messages: [prompt],
      maxCalls: 2,
      generate: async (messages) => {
        await notices.prepareStep({ stepNumber: 0, messages });
        await notices.onStepFinish();
        return { response: { messages: [answer] } };
      },
    });
    expect(run).toMatchObject({ stopReason: 'max_calls' });
    expect(run.results).toHaveLength(2);
  });
});
