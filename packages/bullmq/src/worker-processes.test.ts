// Jobs on worker processes: a worker SIGKILLed mid-job makes that job `lost` with exactly one
// notice (never re-run) while the others complete; `kill` reaches a job on another worker
// process and leaves no process of its group.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import type { Notice } from '@bgtasks/core';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { QueueExecutor } from './queue-executor.ts';
import { alive, eventually, type Proc, spawnWorker } from './test-support/processes.ts';
import { deletePrefix, SHARED_REDIS, uniquePrefix } from './test-support/redis.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(workerArgs: string[][]) {
  const prefix = uniquePrefix();
  cleanups.push(() => deletePrefix(SHARED_REDIS, prefix));
  const workers: Proc[] = [];
  for (const [i, args] of workerArgs.entries()) {
    const w = await spawnWorker(['--redis', SHARED_REDIS, '--prefix', prefix, '--queue', 'q', '--name', `w${i + 1}`, ...args]);
    workers.push(w);
    cleanups.push(async () => {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await w.exited;
    });
  }
  const executor = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', pollIntervalMs: 200 });
  cleanups.push(() => executor.close());
  const redis = new Redis(SHARED_REDIS);
  cleanups.push(() => redis.disconnect());
  const workerOf = (id: string) => redis.hget(`${prefix}:q:~bg:job:${id}`, 'worker');
  return { executor, workers, workerOf, prefix };
}

function groupGone(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('worker processes', () => {
  test('SIGKILL of a worker mid-job: that job is lost with exactly one notice, never re-run; the others complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-crash-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const state = join(dir, 'state');
    const { executor, workers, workerOf, prefix } = await setup([
      ['--concurrency', '1', '--lock-duration-ms', '2000', '--state-dir', state],
      ['--concurrency', '1', '--lock-duration-ms', '2000', '--state-dir', state],
    ]);
    const runs = join(dir, 'victim-runs');
    const victim = await executor.submit({ id: 'victim', command: `echo run >> ${runs}; exec sleep 60` });
    expect(await eventually(() => executor.get('victim').state === 'running' && executor.get('victim').pid !== undefined)).toBe(
      true,
    );
    const pid = executor.get(victim.id).pid!;
    cleanups.push(() => {
      // Nobody is left to kill a SIGKILLed worker's job group; the test does.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    });
    const name = await workerOf('victim');
    expect(name).toMatch(/^w[12]$/);
    const target = workers[name === 'w1' ? 0 : 1]!;
    // The others queue behind; the surviving worker runs them one by one.
    const others = [];
    for (let i = 0; i < 3; i++) others.push(await executor.submit({ command: `sleep 0.2; echo other ${i}` }));
    target.child.kill('SIGKILL');
    await target.exited;

    const consumer = executor.bus.consumer('test');
    const got: Notice[] = [];
    while (got.length < 4) got.push(await consumer.next(AbortSignal.timeout(25_000)));
    expect(got.filter((n) => n.jobId === 'victim').map((n) => n.state)).toEqual(['lost']);
    expect(got.filter((n) => n.jobId !== 'victim').map((n) => n.state)).toEqual(['completed', 'completed', 'completed']);
    expect(new Set(got.map((n) => n.seq)).size).toBe(4);
    expect(executor.get('victim').state).toBe('lost');
    for (const o of others) expect(await workerOf(o.id)).not.toBe(name);
    // Well past two more lock periods and stalled checks: no second notice, no second run.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(consumer.pending()).toEqual([]);
    expect(readFileSync(runs, 'utf8')).toBe('run\n');

    // The dead worker's job group still runs (nobody was left to kill it) until a worker
    // started on the same state directory reaps it.
    expect(groupGone(pid)).toBe(false);
    const next = await spawnWorker(['--redis', SHARED_REDIS, '--prefix', prefix, '--queue', 'q', '--state-dir', state]);
    cleanups.push(async () => {
      next.child.kill('SIGTERM');
      await next.exited;
    });
    expect(next.lines.some((l) => l.includes('job victim') && l.includes('has been killed'))).toBe(true);
    expect(await eventually(() => groupGone(pid), 5_000)).toBe(true);
  }, 60_000);

  test('kill of a job running on another worker process leaves no process of its group', async () => {
    const { executor, workerOf } = await setup([['--concurrency', '2']]);
    // A process tree: a background grandchild and a foreground child, all in the job's group.
    const job = await executor.submit({ command: 'sleep 300 & sleep 301; wait' });
    expect(await eventually(() => executor.get(job.id).state === 'running' && executor.get(job.id).pid !== undefined)).toBe(true);
    const pid = executor.get(job.id).pid!;
    expect(await workerOf(job.id)).toBe('w1');
    expect(alive(pid)).toBe(true);
    const killed = await executor.kill(job.id);
    expect(killed).toMatchObject({ state: 'killed', signal: 'SIGTERM' });
    expect(await eventually(() => groupGone(pid), 5_000)).toBe(true);
    const notice = await executor.bus.consumer('test').next(AbortSignal.timeout(5_000));
    expect(notice).toMatchObject({ jobId: job.id, state: 'killed' });
  });

  test('SIGTERM to a worker kills its running jobs: each ends killed with its notice, no process left', async () => {
    const { executor, workers } = await setup([['--concurrency', '2']]);
    const a = await executor.submit({ command: 'sleep 300' });
    const b = await executor.submit({ command: 'sleep 301 & wait' });
    expect(await eventually(() => [a, b].every((j) => executor.get(j.id).pid !== undefined))).toBe(true);
    const pids = [a, b].map((j) => executor.get(j.id).pid!);
    workers[0]!.child.kill('SIGTERM');
    const exit = await workers[0]!.exited;
    // Deno's node:child_process reports the signal it sent even when the child then exits with a code of its own.
    if ((globalThis as { Deno?: unknown }).Deno === undefined) expect(exit.code).toBe(143);
    else expect(exit.code === 143 || exit.signal === 'SIGTERM').toBe(true);
    const consumer = executor.bus.consumer('test');
    const got = [await consumer.next(AbortSignal.timeout(10_000)), await consumer.next(AbortSignal.timeout(10_000))];
    expect(got.map((n) => [n.jobId, n.state]).sort()).toEqual([
      [a.id, 'killed'],
      [b.id, 'killed'],
    ]);
    for (const pid of pids) expect(await eventually(() => groupGone(pid), 5_000)).toBe(true);
  });
});
