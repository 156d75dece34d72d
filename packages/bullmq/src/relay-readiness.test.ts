// Readiness and progress across Redis: the worker's local executor watches `ready` (pattern,
// and a port on the worker's machine) and `progressMs`; its `ready` and `progress` notices reach
// the host's consumers through the same stream as final notices, before the final one, and
// `QueueExecutor.waitFor` resolves on the recorded readiness. Two real worker processes.
import type { Notice } from '@bgtasks/core';
import { UnsupportedError } from '@bgtasks/core';
import { afterEach, describe, expect, test } from 'vitest';
import { QueueExecutor } from './queue-executor.ts';
import { type Proc, spawnWorker } from './test-support/processes.ts';
import { deletePrefix, freePort, SHARED_REDIS, uniquePrefix } from './test-support/redis.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<QueueExecutor> {
  const prefix = uniquePrefix();
  cleanups.push(() => deletePrefix(SHARED_REDIS, prefix));
  for (const name of ['w1', 'w2']) {
    const w: Proc = await spawnWorker(['--redis', SHARED_REDIS, '--prefix', prefix, '--queue', 'q', '--name', name]);
    cleanups.push(async () => {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await w.exited;
    });
  }
  const executor = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', pollIntervalMs: 200 });
  cleanups.push(() => executor.close());
  return executor;
}

/** Reads notices of `id` until its final one. */
async function noticesUntilEnd(executor: QueueExecutor, consumer: string, id: string): Promise<Notice[]> {
  const c = executor.bus.consumer(consumer);
  const out: Notice[] = [];
  for (;;) {
    const n = await c.next(AbortSignal.timeout(20_000));
    if (n.jobId !== id) continue;
    out.push(n);
    if (n.kind === undefined || n.kind === 'final') return out;
  }
}

describe('readiness and progress on workers', () => {
  test('a dev server ready by pattern: waitFor resolves with the match, the ready notice precedes the final one', async () => {
    const executor = await setup();
    executor.bus.consumer('model');
    const job = await executor.submit({
      command: 'echo booting; sleep 0.3; echo "listening on 4321"; sleep 30',
      ready: { pattern: 'listening on \\d+' },
    });
    const result = await executor.waitFor(job.id, { pattern: 'listening on \\d+', timeoutMs: 20_000 });
    expect(result.met).toBe('pattern');
    expect(result.match).toContain('listening on 4321');
    expect(result.job.state).toBe('running');
    await executor.kill(job.id);
    const notices = await noticesUntilEnd(executor, 'model', job.id);
    expect(notices.map((n) => n.kind ?? 'final')).toEqual(['ready', 'final']);
    expect(notices[0]).toMatchObject({ state: 'running', ready: 'pattern' });
    expect(notices[0]?.match).toContain('listening on 4321');
    expect(notices[1]?.state).toBe('killed');
  }, 60_000);

  test("a dev server ready by a port on the worker's machine", async () => {
    const executor = await setup();
    const port = await freePort();
    const job = await executor.submit({
      command: `sleep 0.3; node -e "require('net').createServer(s=>s.end('ok')).listen(${port},'127.0.0.1')"`,
      ready: { port },
    });
    const result = await executor.waitFor(job.id, { port, timeoutMs: 20_000 });
    expect(result.met).toBe('port');
    expect(result.job.state).toBe('running');
    await executor.kill(job.id);
  }, 60_000);

  test('a job that exits before it is ready: waitFor says exit', async () => {
    const executor = await setup();
    const job = await executor.submit({ command: 'echo nope; exit 3', ready: { pattern: 'never printed' } });
    const result = await executor.waitFor(job.id, { pattern: 'never printed', timeoutMs: 20_000 });
    expect(result.met).toBe('exit');
    expect(result.job).toMatchObject({ state: 'failed', exitCode: 3 });
  }, 60_000);

  test('waitFor with a condition other than the job’s own ready is refused', async () => {
    const executor = await setup();
    const job = await executor.submit({ command: 'sleep 30', ready: { pattern: 'x' } });
    await expect(executor.waitFor(job.id, { pattern: 'y' })).rejects.toSatisfy(UnsupportedError.isInstance);
    await executor.kill(job.id);
  }, 60_000);

  test('progress notices from a worker carry the new output, in order, before the final notice', async () => {
    const executor = await setup();
    executor.bus.consumer('model');
    const job = await executor.submit({
      command: 'for i in 1 2 3 4 5 6; do echo "line $i"; sleep 0.25; done',
      progressMs: 200,
    });
    const notices = await noticesUntilEnd(executor, 'model', job.id);
    const progress = notices.filter((n) => n.kind === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(notices.at(-1)).toMatchObject({ state: 'completed', exitCode: 0 });
    for (const p of progress) {
      expect(p.state).toBe('running');
      expect(p.toByte).toBeGreaterThan(p.fromByte ?? -1);
    }
    // Consecutive ranges, from the start: nothing skipped, nothing repeated.
    expect(progress[0]?.fromByte).toBe(0);
    for (let i = 1; i < progress.length; i++) expect(progress[i]?.fromByte).toBe(progress[i - 1]?.toByte);
    const seqs = notices.map((n) => n.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  }, 60_000);
});
