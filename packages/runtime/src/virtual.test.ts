import { AbortedError, BackgroundExecutor } from '@bgtasks/core';
import { describe, expect, test } from 'vitest';
import { createVirtualRuntime, defaultScript, VirtualClock } from './virtual.ts';

describe('VirtualClock', () => {
  test.each(['timeout', 'immediate'] as const)(
    'idle turns on %s: jumps straight to the next timer and fires timers in (time, creation) order',
    async (idleTurn) => {
      const clock = new VirtualClock({ idleTurn });
      expect(clock.idleTurn).toBe(idleTurn);
      const fired: string[] = [];
      const sleeps = [
        clock.sleep(300_000).then(() => fired.push(`b@${clock.now()}`)),
        clock.sleep(1_000).then(() => fired.push(`a@${clock.now()}`)),
        clock.sleep(300_000).then(() => fired.push(`c@${clock.now()}`)),
      ];
      await Promise.all(sleeps);
      expect(fired).toEqual(['a@1000', 'b@300000', 'c@300000']);
    },
  );

  test('idle turns wait on setTimeout(0) unless asked for setImmediate', () => {
    expect(new VirtualClock().idleTurn).toBe('timeout');
  });

  test('a sleep aborted by its signal rejects and never fires', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(5_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(AbortedError);
    expect(clock.pendingTimers).toBe(0);
  });

  test('without auto-advance, time moves only by advance()', async () => {
    const clock = new VirtualClock({ autoAdvance: false, startMs: 100 });
    let done = false;
    void clock.sleep(50).then(() => {
      done = true;
    });
    await clock.advance(49);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(done).toBe(true);
    expect(clock.now()).toBe(150);
  });

  test.each(['timeout', 'immediate'] as const)(
    'idle turns on %s: a hold stops the clock from advancing until released',
    async (idleTurn) => {
      const clock = new VirtualClock({ idleTurn });
      const release = clock.hold();
      let done = false;
      void clock.sleep(10).then(() => {
        done = true;
      });
      await new Promise((r) => setTimeout(r, 20));
      expect(done).toBe(false);
      expect(clock.now()).toBe(0);
      release();
      await clock.sleep(10);
      expect(done).toBe(true);
      expect(clock.now()).toBe(10);
    },
  );
});

describe('virtual runtime', () => {
  test('the default script understands sleep, echo, exit, true and false joined by && and ;', () => {
    expect(defaultScript('sleep 30 && echo done', {})).toEqual({ durationMs: 30_000, exitCode: 0, stdout: 'done\n' });
    expect(defaultScript('sleep 2; false && echo never', {})).toMatchObject({ durationMs: 2_000, exitCode: 1, stdout: '' });
    expect(defaultScript('exit 3', {})).toMatchObject({ exitCode: 3 });
    expect(defaultScript('npm install', {})).toMatchObject({ exitCode: 127 });
  });

  test('a five-minute job ends at exactly 300000 virtual ms', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const job = executor.submit({ command: 'sleep 300 && echo built' });
    const { ended } = await executor.wait([job.id]);
    expect(ended[0]).toMatchObject({ state: 'completed', startedAt: 0, endedAt: 300_000 });
    expect(executor.output(job.id).text).toBe('built\n');
    await executor.close();
  });

  test('scripted output can appear while the process runs', async () => {
    const runtime = createVirtualRuntime({
      script: () => ({ durationMs: 10_000, stdout: 'progress\n', outputAtMs: 2_000 }),
    });
    const executor = new BackgroundExecutor(runtime);
    const job = executor.submit({ command: 'build' });
    await runtime.sleep(5_000);
    expect(executor.get(job.id).state).toBe('running');
    expect(executor.output(job.id).text).toBe('progress\n');
    await executor.close();
  });
});
