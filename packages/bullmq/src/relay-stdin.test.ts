// stdin across Redis: a piped job on a worker process asks a question (`input_required` reaches
// the host's consumer), the host answers with `write`, `closeStdin` gives it end-of-file; writes
// to a job that was not piped, or has ended, are refused with JobInputError. Two real workers.
import { JobInputError, type Notice } from '@bgtasks/core';
import { afterEach, describe, expect, test } from 'vitest';
import { QueueExecutor } from './queue-executor.ts';
import { type Proc, spawnWorker } from './test-support/processes.ts';
import { deletePrefix, SHARED_REDIS, uniquePrefix } from './test-support/redis.ts';

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

async function nextOf(executor: QueueExecutor, consumer: string, id: string): Promise<Notice> {
  const c = executor.bus.consumer(consumer);
  for (;;) {
    const n = await c.next(AbortSignal.timeout(20_000));
    if (n.jobId === id) return n;
  }
}

describe('stdin on workers', () => {
  test('a prompt on a worker: input_required reaches the host, write answers it, closeStdin ends the input', async () => {
    const executor = await setup();
    executor.bus.consumer('model');
    const job = await executor.submit({
      command: 'printf "name? "; read name; echo "hello $name"; cat; echo "eof after cat"',
      stdin: 'pipe',
    });
    const asked = await nextOf(executor, 'model', job.id);
    expect(asked).toMatchObject({ kind: 'input_required', state: 'running' });
    expect(asked.tail).toContain('name?');
    await executor.write(job.id, 'bob\n');
    await executor.write(job.id, 'more input\n');
    await executor.closeStdin(job.id);
    let final = await nextOf(executor, 'model', job.id);
    while (final.kind !== undefined && final.kind !== 'final') final = await nextOf(executor, 'model', job.id);
    expect(final).toMatchObject({ state: 'completed', exitCode: 0 });
    const text = executor.output(job.id).text;
    expect(text).toContain('hello bob');
    expect(text).toContain('more input\neof after cat');
  }, 60_000);

  test('write to a job not submitted with a pipe, or ended, is refused with JobInputError', async () => {
    const executor = await setup();
    const plain = await executor.submit({ command: 'sleep 30' });
    await expect(executor.write(plain.id, 'x')).rejects.toSatisfy(JobInputError.isInstance);
    await executor.kill(plain.id);
    const piped = await executor.submit({ command: 'true', stdin: 'pipe' });
    await executor.wait([piped.id], { timeoutMs: 20_000 });
    await expect(executor.write(piped.id, 'x')).rejects.toSatisfy(JobInputError.isInstance);
    await expect(executor.closeStdin(piped.id)).rejects.toSatisfy(JobInputError.isInstance);
  }, 60_000);
});
