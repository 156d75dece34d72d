// bgtasks-worker --sandbox end to end: a job submitted through the queue runs in the worker
// machine's OS sandbox, and a submitter cannot opt out of it with `sandbox: false`; without the
// flag a job's own sandbox holds there too; a machine that cannot sandbox refuses to start.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { QueueExecutor } from './queue-executor.ts';
import { spawnScript, spawnWorker } from './test-support/processes.ts';
import { deletePrefix, SHARED_REDIS, uniquePrefix } from './test-support/redis.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('bgtasks-worker --sandbox', () => {
  test('runs queued jobs sandboxed, whatever their own sandbox says', async () => {
    // Not under /tmp: the sandbox's /tmp is private, so a write there would not reach the host.
    const dir = mkdtempSync('/var/tmp/bgtasks-worker-sandbox-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const prefix = uniquePrefix();
    cleanups.push(() => deletePrefix(SHARED_REDIS, prefix));
    const w = await spawnWorker(['--redis', SHARED_REDIS, '--prefix', prefix, '--queue', 'q', '--sandbox']);
    cleanups.push(async () => {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await w.exited;
    });
    const executor = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', pollIntervalMs: 200 });
    cleanups.push(() => executor.close());
    const work = join(dir, 'work');
    mkdirSync(work);
    const jobs = [
      await executor.submit({ id: 'plain', command: `echo in > f; echo out > ${dir}/a`, cwd: work }),
      await executor.submit({ id: 'optout', command: `echo out > ${dir}/b`, cwd: work, sandbox: false }),
    ];
    await executor.wait(jobs.map((j) => j.id));
    // Its cwd is writable; the directory above it is not.
    expect(readFileSync(join(work, 'f'), 'utf8')).toBe('in\n');
    expect(existsSync(join(dir, 'a'))).toBe(false);
    expect(existsSync(join(dir, 'b'))).toBe(false);
    expect(executor.output('plain').text).toMatch(/Read-only file system/);
    expect(executor.output('optout').text).toMatch(/Read-only file system/);
  }, 60_000);

  test("without --sandbox, a job's own sandbox is enforced on the worker, as by a local executor", async () => {
    const dir = mkdtempSync('/var/tmp/bgtasks-worker-sandbox-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const prefix = uniquePrefix();
    cleanups.push(() => deletePrefix(SHARED_REDIS, prefix));
    const w = await spawnWorker(['--redis', SHARED_REDIS, '--prefix', prefix, '--queue', 'q']);
    cleanups.push(async () => {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
      await w.exited;
    });
    const executor = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', pollIntervalMs: 200 });
    cleanups.push(() => executor.close());
    const work = join(dir, 'work');
    mkdirSync(work);
    const boxed = await executor.submit({ command: `echo out > ${dir}/a`, cwd: work, sandbox: true });
    const plain = await executor.submit({ command: `echo out > ${dir}/b`, cwd: work });
    await executor.wait([boxed.id, plain.id]);
    expect(existsSync(join(dir, 'a'))).toBe(false);
    expect(executor.output(boxed.id).text).toMatch(/Read-only file system/);
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('out\n');
  }, 60_000);

  test('exits 1 at start naming what is missing when bwrap is not on PATH, and runs nothing', async () => {
    const bin = fileURLToPath(new URL('./bin/worker.ts', import.meta.url));
    const w = spawnScript(bin, ['--redis', SHARED_REDIS, '--prefix', uniquePrefix(), '--sandbox'], { PATH: '/nonexistent' });
    const { code } = await w.exited;
    expect(code).toBe(1);
    expect(w.stderr()).toMatch(
      /^bgtasks-worker: the job sandbox cannot run here: bubblewrap \(bwrap\) is not on PATH; install bubblewrap: apt-get install bubblewrap/,
    );
    expect(w.lines.join('\n')).not.toMatch(/ready/);
  }, 60_000);
});
