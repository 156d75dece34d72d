// The global cap across workers, measured from the job side: 200 jobs on three worker
// processes of concurrency 4 each, with a queue-wide cap of 4, never have more than 4 running.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Notice } from '@bgtasks/core';
import { afterEach, expect, test } from 'vitest';
import { QueueExecutor } from './queue-executor.ts';
import { type Proc, spawnWorker } from './test-support/processes.ts';
import { deletePrefix, SHARED_REDIS, uniquePrefix } from './test-support/redis.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The most intervals open at once, from "s <ns>" / "e <ns>" lines (an end sorts before a start at the same instant). */
export function maxOverlap(lines: readonly string[]): number {
  const events = lines
    .filter(Boolean)
    .map((l) => {
      const [kind, ns] = l.split(' ');
      return { at: BigInt(ns ?? '0'), delta: kind === 's' ? 1 : -1 };
    })
    .sort((a, b) => (a.at === b.at ? a.delta - b.delta : a.at < b.at ? -1 : 1));
  let open = 0;
  let max = 0;
  for (const e of events) {
    open += e.delta;
    max = Math.max(max, open);
  }
  return max;
}

test('maxOverlap counts intervals open at once', () => {
  expect(maxOverlap(['s 1', 's 2', 'e 3', 's 4', 'e 5', 'e 6'])).toBe(2);
  expect(maxOverlap(['s 1', 'e 2', 's 2', 'e 3'])).toBe(1);
  expect(maxOverlap(['s 1', 's 1', 's 1', 'e 9', 'e 9', 'e 9'])).toBe(3);
});

test('200 jobs with a global cap of 4 over three workers of 4 never have more than 4 running', async () => {
  const prefix = uniquePrefix();
  cleanups.push(() => deletePrefix(SHARED_REDIS, prefix));
  const dir = mkdtempSync(join(tmpdir(), 'bgtasks-cap-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'intervals');
  const workers: Proc[] = [];
  for (let i = 0; i < 3; i++) {
    const args = ['--redis', SHARED_REDIS, '--prefix', prefix, '--queue', 'q', '--concurrency', '4'];
    workers.push(await spawnWorker(i === 0 ? [...args, '--global-concurrency', '4'] : args));
  }
  cleanups.push(async () => {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
  });
  const executor = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q' });
  cleanups.push(() => executor.close());
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    // Each job appends its own start and end (ns) to one file; O_APPEND keeps the lines whole.
    const job = await executor.submit({
      command: `echo "s $(date +%s%N)" >> ${log}; sleep 0.05; echo "e $(date +%s%N)" >> ${log}`,
    });
    ids.push(job.id);
  }
  const consumer = executor.bus.consumer('test');
  const got: Notice[] = [];
  while (got.length < 200) got.push(await consumer.next(AbortSignal.timeout(60_000)));
  expect(got.every((n) => n.state === 'completed')).toBe(true);
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  expect(lines).toHaveLength(400);
  const max = maxOverlap(lines);
  expect(max).toBeLessThanOrEqual(4);
  // The measure sees concurrency (the cap is reached), so the bound above is not vacuous.
  expect(max).toBeGreaterThanOrEqual(3);
}, 120_000);
