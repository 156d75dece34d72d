// QueueExecutor and in-process workers against the shared Redis (a unique prefix per test):
// results, bounded output, kill, ids, hostile specs, and failing fast when Redis is away.
import { DuplicateJobIdError, InvalidJobSpecError, type Notice, UnknownJobError } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { RedisUnavailableError } from './errors.ts';
import { QueueExecutor, type QueueExecutorOptions } from './queue-executor.ts';
import { eventually } from './test-support/processes.ts';
import { deletePrefix, freePort, SHARED_REDIS, uniquePrefix } from './test-support/redis.ts';
import { type QueueWorker, type StartWorkerOptions, startWorker } from './worker.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(worker: Partial<StartWorkerOptions> | null = {}, host: Partial<QueueExecutorOptions> = {}) {
  const prefix = uniquePrefix();
  cleanups.push(() => deletePrefix(SHARED_REDIS, prefix));
  let w: QueueWorker | undefined;
  if (worker) {
    w = await startWorker({ redis: SHARED_REDIS, prefix, queue: 'q', concurrency: 2, ...worker });
    cleanups.push(() => w!.close());
  }
  const executor = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', pollIntervalMs: 200, ...host });
  cleanups.push(() => executor.close());
  return { executor, worker: w, prefix };
}

async function notices(executor: QueueExecutor, n: number): Promise<Notice[]> {
  const consumer = executor.bus.consumer('test');
  const out: Notice[] = [];
  while (out.length < n) out.push(await consumer.next(AbortSignal.timeout(20_000)));
  return out;
}

describe('QueueExecutor with a worker', () => {
  test('a job runs on the worker and its result, output and one notice come back', async () => {
    const { executor } = await setup();
    const job = await executor.submit({ command: 'echo out; echo err >&2; exit 3', label: 'three' });
    expect(job.state).toBe('queued');
    const [notice] = await notices(executor, 1);
    expect(notice).toMatchObject({
      jobId: job.id,
      state: 'failed',
      exitCode: 3,
      signal: null,
      outputBytes: 8,
      label: 'three',
      seq: 1,
    });
    expect(notice!.tail.split('\n').sort()).toEqual(['err', 'out']);
    const ended = executor.get(job.id);
    expect(ended).toMatchObject({ state: 'failed', exitCode: 3, output: { bytes: 8, omittedBytes: 0, truncated: false } });
    expect(ended.startedAt).toBeGreaterThanOrEqual(ended.queuedAt);
    expect(ended.endedAt).toBeGreaterThanOrEqual(ended.startedAt!);
    expect(executor.output(job.id).text.split('\n').filter(Boolean).sort()).toEqual(['err', 'out']);
    expect(executor.list().map((j) => j.id)).toEqual([job.id]);
    expect(executor.bus.history().map((n) => n.jobId)).toEqual([job.id]);
  });

  test('a job is seen ended only once its notice is pending in every consumer', async () => {
    const { executor } = await setup({ concurrency: 4 });
    const consumers = [executor.bus.consumer('one'), executor.bus.consumer('two')];
    const jobs = [];
    for (let i = 0; i < 12; i++) jobs.push(await executor.submit({ command: `exit ${i % 2}` }));
    for (const job of jobs) {
      const { ended } = await executor.wait([job.id], { timeoutMs: 20_000 });
      expect(ended.map((j) => j.id)).toEqual([job.id]);
      for (const c of consumers) expect(c.pending().map((n) => n.jobId)).toContain(job.id);
      expect(executor.bus.history().map((n) => n.jobId)).toContain(job.id);
    }
  });

  test('output streams while the job runs and keeps head + tail with the exact omitted count', async () => {
    const { executor } = await setup({ outputLimit: { headBytes: 1000, tailBytes: 500 }, flushIntervalMs: 50 });
    // 100000 lines "1".."100000" then a marker; the job holds on until a file appears.
    const job = await executor.submit({ command: 'seq 1 100000; echo MARK; sleep 30' });
    let seen = false;
    for (let i = 0; i < 200 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = executor.tail(job.id, 100, 1) === 'MARK';
    }
    expect(seen).toBe(true);
    expect(executor.get(job.id).state).toBe('running');
    let total = 0;
    for (let i = 1; i <= 100000; i++) total += String(i).length + 1;
    total += 5;
    const running = executor.get(job.id);
    expect(running.output).toEqual({ bytes: total, omittedBytes: total - 1500, truncated: true });
    const head = executor.output(job.id, { offset: 0, limit: 2000 });
    expect(head.byteLength).toBe(1000);
    expect(head.text.startsWith('1\n2\n3\n')).toBe(true);
    expect(head.gap).toEqual({ start: 1000, end: total - 500 });
    const after = executor.output(job.id, { offset: 1000 });
    expect(after.offset).toBe(total - 500);
    expect(after.text.endsWith('99999\n100000\nMARK\n')).toBe(true);
    const killed = await executor.kill(job.id);
    expect(killed.state).toBe('killed');
    const [notice] = await notices(executor, 1);
    expect(notice).toMatchObject({ state: 'killed', outputBytes: total, truncated: true });
  });

  test('kill of a queued job ends it at once and no worker ever runs it', async () => {
    const { executor, prefix } = await setup(null);
    const job = await executor.submit({ command: 'echo ran > /dev/null; sleep 5', id: 'never' });
    const killed = await executor.kill('never');
    expect(killed).toMatchObject({ state: 'killed', exitCode: null });
    expect(killed.startedAt).toBeUndefined();
    const worker = await startWorker({ redis: SHARED_REDIS, prefix, queue: 'q' });
    cleanups.push(() => worker.close());
    const [notice] = await notices(executor, 1);
    expect(notice).toMatchObject({ jobId: job.id, state: 'killed', durationMs: 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect(executor.get('never').state).toBe('killed');
    expect(executor.bus.consumer('test').pending()).toEqual([]);
  });

  test('ids are unique per queue: a taken id is refused, across hosts too', async () => {
    const { executor, prefix } = await setup(null);
    await executor.submit({ command: 'true', id: 'build' });
    await expect(executor.submit({ command: 'true', id: 'build' })).rejects.toSatisfy(DuplicateJobIdError.isInstance);
    const other = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q' });
    cleanups.push(() => other.close());
    await expect(other.submit({ command: 'true', id: 'build' })).rejects.toSatisfy(DuplicateJobIdError.isInstance);
    const a = await executor.submit({ command: 'make all' });
    const b = await other.submit({ command: 'make all' });
    expect(a.id).not.toBe(b.id);
    expect(other.list().map((j) => j.id)).toEqual([b.id]);
  });

  test('hostile specs are refused before anything reaches Redis', async () => {
    const { executor } = await setup(null);
    for (const spec of [
      { command: '' },
      { command: 'true', id: '../../etc' },
      { command: 'true', id: 'a:b' },
      { command: 'true', timeoutMs: -1 },
      { command: 'true', extra: 1 },
    ]) {
      await expect(executor.submit(spec as never)).rejects.toSatisfy(InvalidJobSpecError.isInstance);
    }
    expect(executor.list()).toEqual([]);
    expect(() => executor.get('nope')).toThrow(UnknownJobError);
  });

  test('the worker scrubs secrets from the job environment and confines cwd', async () => {
    const base = createRuntime();
    const runtime = { ...base, env: () => ({ ...base.env(), BGTASKS_TEST_SECRET_TOKEN: 's3cret' }) };
    const { executor } = await setup({ cwdRoot: '/tmp', runtime });
    const job = await executor.submit({ command: 'echo "[$BGTASKS_TEST_SECRET_TOKEN]" "$PWD"', env: { GIVEN: '1' } });
    const outside = await executor.submit({ command: 'pwd', cwd: '/etc' });
    const got = await notices(executor, 2);
    const byId = new Map(got.map((n) => [n.jobId, n]));
    expect(byId.get(job.id)).toMatchObject({ state: 'completed' });
    expect(byId.get(job.id)!.tail).toMatch(/^\[\] \/tmp/);
    expect(byId.get(outside.id)).toMatchObject({ state: 'failed' });
    expect(executor.get(outside.id).error).toMatch(/outside the allowed root/);
  });
});

describe('consumers from now', () => {
  test('a "now" consumer of a restarted host hears only jobs that end after it starts', async () => {
    const { executor, prefix } = await setup({}, { host: 'h', killOnClose: false });
    const first = executor.bus.consumer('events', { from: 'now' });
    await executor.submit({ id: 'a', command: 'true' });
    await first.ready(AbortSignal.timeout(10_000));
    first.lease(); // leased, never acked
    await executor.submit({ id: 'b', command: 'true' });
    await executor.wait(['b']);
    await executor.close();

    const again = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', host: 'h' });
    cleanups.push(() => again.close());
    const events = again.bus.consumer('events', { from: 'now' });
    const all = again.bus.consumer('all');
    await new Promise((r) => setTimeout(r, 300));
    await again.submit({ id: 'c', command: 'true' });
    expect((await events.next(AbortSignal.timeout(10_000))).jobId).toBe('c');
    expect(events.pending()).toEqual([]);
    // A consumer from the start still gets everything, in order.
    const got = [];
    while (got.length < 3) got.push((await all.next(AbortSignal.timeout(10_000))).jobId);
    expect(got).toEqual(['a', 'b', 'c']);
  });
});

describe('bounded retention', () => {
  test('acked notices leave the stream, ended records expire, BullMQ keeps no completed job', async () => {
    const { executor, prefix } = await setup({ retainMs: 60_000 }, { retainMs: 60_000 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await executor.submit({ command: `echo ${i}` })).id);
    const consumer = executor.bus.consumer('test');
    while (consumer.pending().length < 3)
      await consumer.ready(AbortSignal.timeout(10_000)).then(() => new Promise((r) => setTimeout(r, 20)));
    const redis = new Redis(SHARED_REDIS);
    cleanups.push(async () => redis.disconnect());
    const stream = `${prefix}:q:~bg:host:${executor.host}:notices`;
    expect(await redis.xlen(stream)).toBe(3);
    await consumer.ack(consumer.lease());
    expect(await eventually(async () => (await redis.xlen(stream)) === 0, 5_000)).toBe(true);
    for (const id of ids) {
      const ttl = await redis.ttl(`${prefix}:q:~bg:job:${id}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
      expect(await redis.exists(`${prefix}:q:${id}`)).toBe(0);
    }
    expect(await redis.zcard(`${prefix}:q:completed`)).toBe(0);
  });
});

describe('Redis away', () => {
  test('open fails fast with a clear error when nothing listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await QueueExecutor.open({ redis: `redis://:hunter2@127.0.0.1:${port}`, timeoutMs: 3_000 }).catch((e) => e);
    expect(RedisUnavailableError.isInstance(error)).toBe(true);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(5_000);
    const worker = await startWorker({ redis: `redis://127.0.0.1:${port}`, timeoutMs: 3_000 }).catch((e) => e);
    expect(RedisUnavailableError.isInstance(worker)).toBe(true);
  });
});
