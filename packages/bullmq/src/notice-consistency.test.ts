// Consistency across Redis: the moment a notice becomes visible on the host (a consumer's
// `ready()` resolves, `pending()` lists it), `get()`, `list()` and `output()` already show the
// job as it was at its end — the same guarantee the local executor gives — with two worker
// processes ending jobs concurrently.
import { isFinalState, type Notice } from '@bgtasks/core';
import { afterEach, describe, expect, test } from 'vitest';
import { QueueExecutor } from './queue-executor.ts';
import { type Proc, spawnWorker } from './test-support/processes.ts';
import { deletePrefix, SHARED_REDIS, uniquePrefix } from './test-support/redis.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('notice consistency on the queue backend', () => {
  test('every notice, when it becomes visible, finds get(), list() and output() at the job’s end', async () => {
    const prefix = uniquePrefix();
    cleanups.push(() => deletePrefix(SHARED_REDIS, prefix));
    for (const name of ['w1', 'w2']) {
      const w: Proc = await spawnWorker([
        '--redis',
        SHARED_REDIS,
        '--prefix',
        prefix,
        '--queue',
        'q',
        '--name',
        name,
        '--concurrency',
        '4',
      ]);
      cleanups.push(async () => {
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
        await w.exited;
      });
    }
    // A long poll interval: the fast path (pub/sub, stream reads) is what is under test.
    const executor = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', pollIntervalMs: 5_000 });
    cleanups.push(() => executor.close());
    const consumer = executor.bus.consumer('inject');
    const n = 30;
    const expected = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      const text = `job ${i} `.repeat(20 + i);
      const job = await executor.submit({ command: `printf '%s' '${text}'; exit ${i % 3}` });
      expected.set(job.id, text);
    }
    const seen: Notice[] = [];
    const mismatches: string[] = [];
    while (seen.length < n) {
      await consumer.ready();
      // Synchronously after the notice is visible: nothing may lag behind it.
      for (const notice of consumer.pending()) {
        if (seen.some((s) => s.jobId === notice.jobId)) continue;
        const job = executor.get(notice.jobId);
        const listed = executor.list().find((j) => j.id === notice.jobId);
        const out = executor.output(notice.jobId, { offset: 0 });
        if (!isFinalState(job.state) || job.state !== notice.state) mismatches.push(`${notice.jobId}: get() ${job.state}`);
        if (listed?.state !== notice.state) mismatches.push(`${notice.jobId}: list() ${listed?.state}`);
        if (job.exitCode !== notice.exitCode) mismatches.push(`${notice.jobId}: exitCode ${job.exitCode}`);
        if (out.text !== expected.get(notice.jobId)) mismatches.push(`${notice.jobId}: output() ${out.byteLength} bytes`);
        if (job.output.bytes !== notice.outputBytes) mismatches.push(`${notice.jobId}: bytes ${job.output.bytes}`);
        seen.push(notice);
      }
      const lease = consumer.lease();
      await consumer.ack(lease);
    }
    expect(mismatches).toEqual([]);
    expect(new Set(seen.map((s) => s.jobId)).size).toBe(n);
  }, 60_000);
});
