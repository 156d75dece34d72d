// Durable notices: an agent host SIGKILLed with notices leased but not acked, restarted under
// the same host name, gets each of those exactly once, in completion order, and none it acked.
import { fileURLToPath } from 'node:url';
import type { Notice } from '@bgtasks/core';
import { afterEach, expect, test } from 'vitest';
import { QueueExecutor } from './queue-executor.ts';
import { spawnScript } from './test-support/processes.ts';
import { deletePrefix, SHARED_REDIS, uniquePrefix } from './test-support/redis.ts';
import { startWorker } from './worker.ts';

const fixture = fileURLToPath(new URL('./test-support/host-fixture.ts', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function drain(executor: QueueExecutor, quietMs: number): Promise<Notice[]> {
  const consumer = executor.bus.consumer('inject');
  const got: Notice[] = [];
  for (;;) {
    try {
      const lease = consumer.lease();
      got.push(...lease.notices);
      await consumer.ack(lease);
      await consumer.ready(AbortSignal.timeout(quietMs));
    } catch {
      return got;
    }
  }
}

test('a host SIGKILLed with unacked notices gets each exactly once after a restart, and no acked one', async () => {
  const prefix = uniquePrefix();
  cleanups.push(() => deletePrefix(SHARED_REDIS, prefix));
  // One job at a time: completion order is j1..j6.
  const worker = await startWorker({ redis: SHARED_REDIS, prefix, queue: 'q', concurrency: 1 });
  cleanups.push(() => worker.close());
  const host = spawnScript(fixture, [
    '--redis',
    SHARED_REDIS,
    '--prefix',
    prefix,
    '--queue',
    'q',
    '--host',
    'agent-1',
    '--jobs',
    '6',
    '--ack',
    '2',
  ]);
  cleanups.push(async () => {
    if (host.child.exitCode === null && host.child.signalCode === null) host.child.kill('SIGKILL');
    await host.exited;
  });
  expect(await host.line(/^acked /, 30_000)).toBe('acked j1,j2');
  expect(await host.line(/^leased /)).toBe('leased j3,j4,j5,j6');
  host.child.kill('SIGKILL');
  expect((await host.exited).signal).toBe('SIGKILL');

  const restarted = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', host: 'agent-1' });
  expect(restarted.list().map((j) => [j.id, j.state])).toEqual(
    ['j1', 'j2', 'j3', 'j4', 'j5', 'j6'].map((id) => [id, 'completed']),
  );
  const again = await drain(restarted, 1_500);
  expect(again.map((n) => n.jobId)).toEqual(['j3', 'j4', 'j5', 'j6']);
  expect(again.map((n) => n.tail)).toEqual(['job 3', 'job 4', 'job 5', 'job 6']);
  // New work still flows to the restarted host.
  await restarted.submit({ id: 'j7', command: 'echo job 7' });
  expect((await drain(restarted, 1_500)).map((n) => n.jobId)).toEqual(['j7']);
  await restarted.close();

  // Everything was acked: a third start under the same name gets nothing.
  const third = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', host: 'agent-1' });
  cleanups.push(() => third.close());
  expect(await drain(third, 1_000)).toEqual([]);
  // Another host name shares none of it.
  const other = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', host: 'agent-2' });
  cleanups.push(() => other.close());
  expect(other.list()).toEqual([]);
  expect(await drain(other, 500)).toEqual([]);
}, 60_000);
