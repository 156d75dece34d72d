import { BackgroundExecutor } from '@bgtasks/core';
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  blockStrategy,
  defaultNudge,
  InvalidStrategyError,
  injectStrategy,
  pollStrategy,
  STRATEGIES,
  type Strategy,
  strategyFor,
  toolsFor,
  UnknownStrategyError,
  wakeTimeoutText,
} from './index.ts';

const executors: BackgroundExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
});

function setup() {
  const runtime = createVirtualRuntime();
  const executor = new BackgroundExecutor(runtime, { maxConcurrent: 16 });
  executors.push(executor);
  const context = { executor, signal: new AbortController().signal };
  return { runtime, executor, context };
}

describe('strategyFor and toolsFor', () => {
  it('turns each name into its object, with the tools of that strategy', () => {
    const { executor } = setup();
    expect(STRATEGIES.map((name) => strategyFor(name).name)).toEqual(['block', 'poll', 'inject']);
    expect(STRATEGIES.map((name) => toolsFor(name, executor).names)).toEqual([
      ['bash'],
      ['bg_bash', 'check_bg', 'bg_wait', 'bg_output', 'bg_kill', 'bg_write'],
      ['bg_bash', 'bg_output', 'bg_kill', 'bg_write'],
    ]);
  });

  it('passes an object through, and the tools come from it', () => {
    const { executor } = setup();
    const mine: Strategy = { ...pollStrategy(), name: 'mine', tools: (e) => blockStrategy().tools(e) };
    expect(strategyFor(mine)).toBe(mine);
    expect(toolsFor(mine, executor).names).toEqual(['bash']);
  });

  it('refuses an unknown name or an incomplete object, saying what is valid', () => {
    const unknown = (() => {
      try {
        strategyFor('push' as never);
      } catch (error) {
        return error;
      }
    })();
    expect(UnknownStrategyError.isInstance(unknown)).toBe(true);
    expect((unknown as Error).message).toBe('unknown strategy "push"; use one of block, poll, inject, or pass a Strategy object');
    expect(() => strategyFor({ name: 'half', tools: () => ({}) } as never)).toThrow(
      /^invalid strategy object: missing beforeRequest, afterSuccess, afterFailure, onEndTurn; a Strategy has/,
    );
    expect(() => strategyFor({ ...blockStrategy(), name: 3 } as never)).toThrow(InvalidStrategyError);
  });
});

describe('inject', () => {
  it('leases pending notices for a request: released on failure they ride the next one, acked on success they are gone', async () => {
    const { executor, context } = setup();
    const inject = injectStrategy();
    await executor.submit({ command: 'sleep 1', id: 'a' });
    await executor.wait(['a']);
    const first = await inject.beforeRequest(context);
    expect(first.notices.map((n) => n.jobId)).toEqual(['a']);
    await inject.afterFailure(first, context);
    await executor.submit({ command: 'sleep 1', id: 'b' });
    await executor.wait(['b']);
    const second = await inject.beforeRequest(context);
    expect(second.notices.map((n) => n.jobId)).toEqual(['a', 'b']);
    await inject.afterSuccess(second, context);
    expect((await inject.beforeRequest(context)).notices).toEqual([]);
  });

  it('keeps no state of its own: one object serves two executors, each with its own notices', async () => {
    const one = setup();
    const two = setup();
    const inject = injectStrategy();
    await one.executor.submit({ command: 'true', id: 'only-one' });
    await one.executor.wait(['only-one']);
    expect((await inject.beforeRequest(two.context)).notices).toEqual([]);
    expect((await inject.beforeRequest(one.context)).notices.map((n) => n.jobId)).toEqual(['only-one']);
  });

  it('ends the run when nothing runs or waits; at the turn limit it stops with max_turns', async () => {
    const { executor, context } = setup();
    const inject = injectStrategy();
    expect(await inject.onEndTurn({ ...context, turnsLeft: 5 })).toEqual({ action: 'stop' });
    await executor.submit({ command: 'sleep 60', id: 'slow' });
    expect(await inject.onEndTurn({ ...context, turnsLeft: 0 })).toEqual({ action: 'stop', reason: 'max_turns' });
  });

  it('an ended job that was never shown keeps the run going: the model is woken at once', async () => {
    const { runtime, executor, context } = setup();
    await executor.submit({ command: 'sleep 5', id: 'done-unseen' });
    await executor.wait(['done-unseen']);
    const at = runtime.now();
    const next = await injectStrategy({ coalesceMs: 0 }).onEndTurn({ ...context, turnsLeft: 1 });
    expect(next).toEqual({ action: 'continue', wake: { reason: 'notice', waitedMs: 0, running: [] } });
    expect(runtime.now()).toBe(at);
  });

  it('wakes at once, without the coalescing window, when every job has ended and its notice waits', async () => {
    const { runtime, executor, context } = setup();
    await executor.submit({ command: 'sleep 5', id: 'first' });
    await executor.submit({ command: 'sleep 7', id: 'second' });
    await executor.wait(['first', 'second'], { mode: 'all' });
    const at = runtime.now();
    const next = await injectStrategy({ coalesceMs: 50 }).onEndTurn({ ...context, turnsLeft: 1 });
    expect(next).toEqual({ action: 'continue', wake: { reason: 'notice', waitedMs: 0, running: [] } });
    expect(runtime.now()).toBe(at);
  });

  it('waits for the next notice and wakes with what still runs; past the wake timeout it says so', async () => {
    const { runtime, executor, context } = setup();
    const inject = injectStrategy({ wakeTimeoutMs: 100_000, coalesceMs: 50 });
    await executor.submit({ command: 'sleep 30', id: 'short' });
    await executor.submit({ command: 'sleep 500', id: 'long' });
    expect(await inject.onEndTurn({ ...context, turnsLeft: 3 })).toEqual({
      action: 'continue',
      wake: { reason: 'notice', waitedMs: 30_050, running: ['long'] },
    });
    await inject.afterSuccess(await inject.beforeRequest(context), context);
    expect(await inject.onEndTurn({ ...context, turnsLeft: 2 })).toEqual({
      action: 'continue',
      wake: { reason: 'timeout', waitedMs: 100_000, running: ['long'] },
      say: wakeTimeoutText(100_000, ['long']),
    });
    expect(wakeTimeoutText(100_000, ['long'])).toBe(
      'No background job ended in the last 100 s; still running: long. End your turn to keep waiting, or stop a job with bg_kill.',
    );
    expect(runtime.now()).toBe(130_050);
  });

  it('stops waiting with AbortedError when the run is aborted', async () => {
    const { executor } = setup();
    await executor.submit({ command: 'sleep 500', id: 'long' });
    const abort = new AbortController();
    const waiting = injectStrategy().onEndTurn({ executor, signal: abort.signal, turnsLeft: 9 });
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortedError' });
  });

  it('leases from its own consumer: two names each see every notice', async () => {
    const { executor, context } = setup();
    await executor.submit({ command: 'true', id: 'x' });
    await executor.wait(['x']);
    const a = await injectStrategy({ consumer: 'loop-a' }).beforeRequest(context);
    const b = await injectStrategy({ consumer: 'loop-b' }).beforeRequest(context);
    expect([a.notices.map((n) => n.jobId), b.notices.map((n) => n.jobId)]).toEqual([['x'], ['x']]);
  });
});

describe('poll and block', () => {
  it('never push a notice, even for jobs that ended', async () => {
    const { executor, context } = setup();
    await executor.submit({ command: 'true', id: 'ended' });
    await executor.wait(['ended']);
    for (const strategy of [pollStrategy(), blockStrategy()]) {
      const batch = await strategy.beforeRequest(context);
      expect(batch.notices).toEqual([]);
      await strategy.afterFailure(batch, context);
      await strategy.afterSuccess(batch, context);
    }
  });

  it('stop when the model ends its turn, jobs running or not', async () => {
    const { executor, context } = setup();
    await executor.submit({ command: 'sleep 60', id: 'slow' });
    expect(await pollStrategy().onEndTurn({ ...context, turnsLeft: 9 })).toEqual({ action: 'stop' });
    expect(await blockStrategy().onEndTurn({ ...context, turnsLeft: 9 })).toEqual({ action: 'stop' });
  });

  it('poll with nudge goes on while jobs run, naming them (or with your text), and stops at the turn limit', async () => {
    const { executor, context } = setup();
    expect(await pollStrategy({ nudge: true }).onEndTurn({ ...context, turnsLeft: 9 })).toEqual({ action: 'stop' });
    await executor.submit({ command: 'sleep 60', id: 'slow' });
    expect(await pollStrategy({ nudge: true }).onEndTurn({ ...context, turnsLeft: 9 })).toEqual({
      action: 'continue',
      say: defaultNudge(['slow']),
    });
    expect(defaultNudge(['slow'])).toContain('slow');
    expect(await pollStrategy({ nudge: 'keep going' }).onEndTurn({ ...context, turnsLeft: 1 })).toEqual({
      action: 'continue',
      say: 'keep going',
    });
    expect(await pollStrategy({ nudge: true }).onEndTurn({ ...context, turnsLeft: 0 })).toEqual({
      action: 'stop',
      reason: 'max_turns',
    });
  });
});
