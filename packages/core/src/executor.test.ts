// Executor behaviour where time is the subject: on the virtual runtime, exact and instant.
import { createVirtualRuntime, type ScriptedProcess } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { DuplicateJobIdError, ExecutorClosedError, InvalidJobSpecError, UnknownJobError } from './errors.ts';
import { BackgroundExecutor } from './executor.ts';

function setup(options: ConstructorParameters<typeof BackgroundExecutor>[1] = {}, script?: (cmd: string) => ScriptedProcess) {
  const runtime = createVirtualRuntime(script ? { script } : {});
  const executor = new BackgroundExecutor(runtime, { killGraceMs: 1_000, ...options });
  return { runtime, executor, bus: executor.bus, consumer: executor.bus.consumer('test') };
}

describe('BackgroundExecutor on virtual time', () => {
  test('never runs more than maxConcurrent jobs and starts queued jobs in FIFO order', async () => {
    const { executor, runtime } = setup({ maxConcurrent: 3 });
    let peak = 0;
    const ids = Array.from({ length: 10 }, (_, i) => executor.submit({ command: `sleep ${10 - i}` }).id);
    const watch = (async () => {
      while (executor.list().some((j) => j.state !== 'completed')) {
        peak = Math.max(peak, executor.running);
        await runtime.sleep(100);
      }
    })();
    await executor.wait(ids);
    await watch;
    expect(peak).toBe(3);
    expect(runtime.spawned).toEqual(Array.from({ length: 10 }, (_, i) => `sleep ${10 - i}`));
    const starts = executor.list().map((j) => j.startedAt ?? -1);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  test('a job past its timeout ends timed_out, with exactly one notice', async () => {
    const { executor, consumer } = setup();
    const job = executor.submit({ command: 'sleep 300', timeoutMs: 5_000 });
    const [ended] = (await executor.wait([job.id])).ended;
    expect(ended?.state).toBe('timed_out');
    expect((ended?.endedAt ?? 0) - (ended?.startedAt ?? 0)).toBe(5_000);
    expect(consumer.pending().map((n) => [n.jobId, n.state])).toEqual([[job.id, 'timed_out']]);
  });

  test('jobs with different timeouts each time out at their own; no timer is left once all have ended', async () => {
    const { executor, runtime } = setup({ maxConcurrent: 10 });
    const timeouts = [7_000, 3_000, 9_000, 3_000, 1_000, 5_000];
    const jobs = timeouts.map((timeoutMs) => executor.submit({ command: 'sleep 60', timeoutMs }));
    const quick = executor.submit({ command: 'sleep 2', timeoutMs: 4_000 });
    const ended = (await executor.wait([...jobs, quick].map((j) => j.id))).ended;
    for (const [i, timeoutMs] of timeouts.entries()) {
      const job = ended.find((j) => j.id === jobs[i]?.id);
      expect(job?.state).toBe('timed_out');
      expect((job?.endedAt ?? 0) - (job?.startedAt ?? 0)).toBe(timeoutMs);
    }
    expect(ended.find((j) => j.id === quick.id)?.state).toBe('completed');
    // A host whose jobs have all ended has nothing armed that would keep it alive.
    expect(runtime.clock.pendingTimers).toBe(0);
  });

  test('a job that ignores SIGTERM is SIGKILLed after the grace period and marked forced', async () => {
    const { executor } = setup({ killGraceMs: 2_000 }, () => ({ durationMs: 60_000, ignoreTerm: true }));
    const job = executor.submit({ command: 'stubborn' });
    await executor.wait([job.id], { timeoutMs: 1_000 });
    const killed = await executor.kill(job.id);
    expect(killed).toMatchObject({ state: 'killed', signal: 'SIGKILL', forced: true });
    expect((killed.endedAt ?? 0) - 1_000).toBe(2_000);
  });

  test('a job that honours SIGTERM is killed without force', async () => {
    const { executor } = setup();
    const job = executor.submit({ command: 'sleep 60' });
    const killed = await executor.kill(job.id);
    expect(killed).toMatchObject({ state: 'killed', signal: 'SIGTERM' });
    expect(killed.forced).toBeUndefined();
  });

  test('a queued job can be killed before it starts and never spawns', async () => {
    const { executor, runtime, consumer } = setup({ maxConcurrent: 1 });
    const first = executor.submit({ command: 'sleep 10' });
    const queued = executor.submit({ command: 'sleep 20' });
    expect(executor.get(queued.id).state).toBe('queued');
    const killed = await executor.kill(queued.id);
    expect(killed.state).toBe('killed');
    expect(killed.startedAt).toBeUndefined();
    await executor.wait([first.id]);
    expect(runtime.spawned).toEqual(['sleep 10']);
    expect(consumer.pending().map((n) => n.jobId)).toEqual([queued.id, first.id]);
  });

  test('killing an ended job returns its final state and publishes nothing more', async () => {
    const { executor, consumer } = setup();
    const job = executor.submit({ command: 'exit 3' });
    await executor.wait([job.id]);
    const again = await executor.kill(job.id);
    expect(again).toMatchObject({ state: 'failed', exitCode: 3 });
    expect(consumer.pending()).toHaveLength(1);
  });

  test('every job publishes exactly one notice, in completion order', async () => {
    const { executor, consumer } = setup({ maxConcurrent: 8 });
    const a = executor.submit({ command: 'sleep 30', id: 'a' });
    const b = executor.submit({ command: 'sleep 10 && echo done', id: 'b' });
    const c = executor.submit({ command: 'sleep 20 && exit 2', id: 'c' });
    await executor.wait([a.id, b.id, c.id]);
    const notices = consumer.pending();
    expect(notices.map((n) => [n.jobId, n.state, n.exitCode])).toEqual([
      ['b', 'completed', 0],
      ['c', 'failed', 2],
      ['a', 'completed', 0],
    ]);
    expect(notices.map((n) => n.durationMs)).toEqual([10_000, 20_000, 30_000]);
    expect(notices[0]?.tail).toBe('done');
  });

  test('wait any resolves at the first ending and lists the jobs still running', async () => {
    const { executor, runtime } = setup();
    const slow = executor.submit({ command: 'sleep 50' });
    const fast = executor.submit({ command: 'sleep 5' });
    const result = await executor.wait([slow.id, fast.id], { mode: 'any' });
    expect(runtime.now()).toBe(5_000);
    expect(result.ended.map((j) => j.id)).toEqual([fast.id]);
    expect(result.pending).toEqual([slow.id]);
    expect(result.timedOut).toBe(false);
  });

  test('wait all with a timeout reports the still-running ids', async () => {
    const { executor, runtime } = setup();
    const slow = executor.submit({ command: 'sleep 50' });
    const fast = executor.submit({ command: 'sleep 5' });
    const result = await executor.wait([slow.id, fast.id], { mode: 'all', timeoutMs: 20_000 });
    expect(runtime.now()).toBe(20_000);
    expect(result).toMatchObject({ timedOut: true, pending: [slow.id] });
  });

  test('bad specs throw InvalidJobSpecError saying what is wrong', () => {
    const { executor } = setup();
    expect(() => executor.submit({ command: '   ' })).toThrow(InvalidJobSpecError);
    expect(() => executor.submit({ command: '   ' })).toThrow(/command: must not be empty/);
    expect(() => executor.submit({ command: 'true', timeoutMs: -5 })).toThrow(/timeoutMs: must be greater than 0/);
    expect(() => executor.submit({ command: 'true', id: '../etc' })).toThrow(/id: must be 1-64 characters/);
    expect(() => executor.submit({ command: 'true', bogus: 1 } as never)).toThrow(/valid fields: command/);
  });

  test('a duplicate id and an unknown id throw typed errors listing the known ids', async () => {
    const { executor } = setup();
    executor.submit({ command: 'true', id: 'build' });
    expect(() => executor.submit({ command: 'true', id: 'build' })).toThrow(DuplicateJobIdError);
    expect(() => executor.get('nope')).toThrow(UnknownJobError);
    expect(() => executor.get('nope')).toThrow('unknown job id "nope"; known jobs: build');
    await expect(executor.kill('nope')).rejects.toThrow(/known jobs: build/);
    expect(() => executor.bus.check('nope')).toThrow(UnknownJobError);
    expect(executor.bus.check('build').id).toBe('build');
  });

  test('generated ids are short, readable and unique', () => {
    const { executor } = setup();
    const a = executor.submit({ command: 'npm install' }).id;
    const b = executor.submit({ command: '/usr/bin/npm test' }).id;
    const c = executor.submit({ command: '{ echo; }' }).id;
    const d = executor.submit({ command: 'true', id: 'true-4' }).id;
    const e = executor.submit({ command: 'true' }).id;
    expect([a, b, c, d, e]).toEqual(['npm-1', 'npm-2', 'job-3', 'true-4', 'true-5']);
  });

  test('close kills every live job and refuses new ones', async () => {
    const { executor, consumer } = setup({ maxConcurrent: 1 });
    executor.submit({ command: 'sleep 100' });
    executor.submit({ command: 'sleep 100' });
    await executor.close();
    expect(executor.list().map((j) => j.state)).toEqual(['killed', 'killed']);
    expect(consumer.pending()).toHaveLength(2);
    expect(() => executor.submit({ command: 'true' })).toThrow(ExecutorClosedError);
  });

  test('a host shutdown kills every live job', async () => {
    const { executor, runtime } = setup();
    const job = executor.submit({ command: 'sleep 100' });
    await runtime.shutdown('SIGINT');
    expect(executor.get(job.id).state).toBe('killed');
  });

  test('a bad option names the option', () => {
    const runtime = createVirtualRuntime();
    expect(() => new BackgroundExecutor(runtime, { maxConcurrent: 0 })).toThrow(/maxConcurrent: must be a positive number/);
  });
});
