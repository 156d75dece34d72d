// Redis stopped and restarted mid-run (a private redis-server with append-only persistence):
// submit fails fast while it is away, jobs that end meanwhile are recorded once it is back, an
// ack given while it was away is stored, and no notice is lost or repeated.
import type { Notice } from '@bgtasks/core';
import { afterEach, expect, test } from 'vitest';
import { RedisUnavailableError } from './errors.ts';
import { QueueExecutor } from './queue-executor.ts';
import { type Proc, spawnWorker } from './test-support/processes.ts';
import { type PrivateRedis, startPrivateRedis } from './test-support/redis.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

test('Redis stopped and restarted mid-run loses no notice and repeats none', async () => {
  const redis: PrivateRedis = await startPrivateRedis();
  cleanups.push(() => redis.dispose());
  const worker: Proc = await spawnWorker(['--redis', redis.url, '--queue', 'q', '--concurrency', '8']);
  cleanups.push(async () => {
    if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
    await worker.exited;
  });
  const executor = await QueueExecutor.open({ redis: redis.url, queue: 'q', host: 'h', pollIntervalMs: 200 });
  cleanups.push(() => executor.close());
  const consumer = executor.bus.consumer('inject');

  const early = await executor.submit({ id: 'early', command: 'echo early' });
  await consumer.ready(AbortSignal.timeout(10_000));
  const held = consumer.lease();
  expect(held.notices.map((n) => n.jobId)).toEqual([early.id]);

  // These end while Redis is away (after ~1 s); two more end after it is back.
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await executor.submit({ id: `mid${i}`, command: `sleep 1; echo mid ${i}` })).id);
  for (let i = 0; i < 2; i++) ids.push((await executor.submit({ id: `late${i}`, command: `sleep 4; echo late ${i}` })).id);
  await new Promise((r) => setTimeout(r, 400));
  await redis.stop();

  const started = Date.now();
  const refused = await executor.submit({ command: 'echo never' }).catch((e: unknown) => e);
  expect(RedisUnavailableError.isInstance(refused)).toBe(true);
  expect(Date.now() - started).toBeLessThan(1_000);
  // The ack of `early` is given while Redis is away; it is stored once Redis is back.
  const acked = consumer.ack(held);
  await new Promise((r) => setTimeout(r, 1_500));
  await redis.start();
  await acked;

  const got: Notice[] = [];
  while (got.length < ids.length) got.push(await consumer.next(AbortSignal.timeout(20_000)));
  expect(got.map((n) => n.jobId).sort()).toEqual([...ids].sort());
  expect(got.every((n) => n.state === 'completed')).toBe(true);
  expect(got.map((n) => n.seq)).toEqual([...got.map((n) => n.seq)].sort((a, b) => a - b));
  await new Promise((r) => setTimeout(r, 1_000));
  expect(consumer.pending()).toEqual([]);
  await executor.close();

  // A restart of the host under the same name: everything was acked, nothing comes again.
  const again = await QueueExecutor.open({ redis: redis.url, queue: 'q', host: 'h' });
  cleanups.push(() => again.close());
  const c2 = again.bus.consumer('inject');
  await expect(c2.ready(AbortSignal.timeout(1_500))).rejects.toThrow();
  expect(again.list().map((j) => j.state)).toEqual(Array(7).fill('completed'));
}, 60_000);
