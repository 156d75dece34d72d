// The state directory of durable jobs: what it refuses (another user's or a writable-by-others
// directory, a second live host), what it reports (corrupt records, failed writes, each naming
// its file), and what an executor does with it (close leaves durable jobs running; jobs that
// are not durable keep today's behaviour; a supervisor killed with no host alive is `lost`).
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackgroundExecutor, InvalidJobSpecError, StateDirError } from '@bgtasks/core';
import { createDurableStore, createRuntime, LOCK_FILE } from '@bgtasks/runtime';
import { processStartTime } from '@bgtasks/runtime/internal';
import { describe, expect, test } from 'vitest';

const runtime = createRuntime();
const isRoot = process.getuid?.() === 0;

function stateDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'bgtasks-store-')), 'host');
}

/** The error `fn` throws (it must throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

async function until(check: () => boolean, what: string, withinMs = 10_000): Promise<void> {
  const end = performance.now() + withinMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await runtime.sleep(20);
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

describe('durable store', () => {
  test('a second live host on the same directory is refused, naming the holder; a dead holder is replaced', async () => {
    const dir = stateDir();
    const first = createDurableStore({ dir });
    const again = thrown(() => createDurableStore({ dir }));
    expect(StateDirError.isInstance(again)).toBe(true);
    expect((again as Error).message).toContain(`in use by this process`);
    first.close();

    // A live process of another pid holds the lock: refused, naming it.
    const holder = runtime.spawn('sleep 30', { env: runtime.env() });
    try {
      await until(() => processStartTime(holder.pid) !== null, 'the holder to start');
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: holder.pid, start: processStartTime(holder.pid) }));
      const refused = thrown(() => createDurableStore({ dir }));
      expect((refused as Error).message).toContain(`another live host, pid ${holder.pid}`);
      expect((refused as StateDirError).path).toBe(join(dir, LOCK_FILE));
    } finally {
      holder.kill('SIGKILL');
      await holder.exited;
    }
    // The holder is gone: its lock is stale and is taken over.
    createDurableStore({ dir }).close();
    // Looking only (what `bgtasks` does) takes no lock.
    const held = createDurableStore({ dir });
    createDurableStore({ dir, lock: false }).close();
    held.close();
  });

  test('a directory writable by others is refused, and so is one owned by another user', () => {
    const dir = stateDir();
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o777);
    const open = thrown(() => createDurableStore({ dir }));
    expect(StateDirError.isInstance(open)).toBe(true);
    expect((open as Error).message).toMatch(/writable by everyone \(mode 777\); run chmod 700/);
    chmodSync(dir, 0o700);
    if (!isRoot) return; // only root can give a directory away
    chownSync(dir, 65534, 65534);
    expect((thrown(() => createDurableStore({ dir })) as Error).message).toMatch(
      /is owned by uid 65534, not by this user \(uid 0\)/,
    );
  });

  test('a corrupt or truncated record is reported lost with a notice naming the file, not dropped', async () => {
    const dir = stateDir();
    const store = createDurableStore({ dir });
    const executor = new BackgroundExecutor(runtime, { durable: { store } });
    const job = executor.submit({ id: 'build', command: 'echo built' });
    await executor.wait([job.id]);
    await executor.close();
    const record = join(dir, 'build.json');
    writeFileSync(record, readFileSync(record, 'utf8').slice(0, 40)); // truncated
    writeFileSync(join(dir, 'test.json'), JSON.stringify({ version: 1, id: 'test' })); // fields missing

    const next = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir }) } });
    try {
      expect(next.durableProblems.map((p) => [p.jobId, p.file])).toEqual([
        ['build', record],
        ['test', join(dir, 'test.json')],
      ]);
      const notices = next.bus.consumer('agent').pending();
      expect(notices.map((n) => [n.jobId, n.state])).toEqual([
        ['build', 'lost'],
        ['test', 'lost'],
      ]);
      expect(notices[0]?.tail).toContain(`job record ${record} is corrupt or truncated`);
      expect(notices[1]?.tail).toMatch(/job record .*test\.json is not valid \(host: .*\); the job is reported lost/);
    } finally {
      await next.close();
    }
  });

  test('a record that cannot be written is an error naming the file, and the job is not started', async () => {
    const dir = stateDir();
    const executor = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir }) } });
    try {
      mkdirSync(join(dir, 'stuck.json')); // a directory where the record must go: rename fails
      const job = executor.submit({ id: 'stuck', command: 'sleep 30' });
      const [ended] = (await executor.wait([job.id])).ended;
      expect(ended?.state).toBe('failed');
      expect(ended?.error).toContain(`cannot write job record ${join(dir, 'stuck.json')}`);
    } finally {
      await executor.close();
    }
  });

  test('an ack that cannot be written (the record is in the way) is written at the next ack: not delivered again', async () => {
    const dir = stateDir();
    const executor = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir }) } });
    const agent = executor.bus.consumer('agent');
    executor.submit({ id: 'first', command: 'true' });
    await agent.ready(AbortSignal.timeout(10_000));
    const record = join(dir, 'first.json');
    const saved = readFileSync(record, 'utf8');
    rmSync(record);
    mkdirSync(record); // the ack's rename fails
    expect((await agent.next()).jobId).toBe('first');
    rmSync(record, { recursive: true });
    writeFileSync(record, saved);
    executor.submit({ id: 'second', command: 'true' });
    expect((await agent.next(AbortSignal.timeout(10_000))).jobId).toBe('second');
    await executor.close();
    expect(JSON.parse(readFileSync(record, 'utf8')).ackedBy).toEqual(['agent']);
    const next = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir }) } });
    expect(next.bus.consumer('agent').pending()).toEqual([]);
    await next.close();
  });

  test('close() leaves durable jobs running; jobs that are not durable are killed as before', async () => {
    const dir = stateDir();
    const executor = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir }), all: false } });
    const kept = executor.submit({ id: 'kept', command: 'sleep 30', durable: true });
    const plain = executor.submit({ id: 'plain', command: 'sleep 30' });
    await until(() => executor.get(plain.id).pid !== undefined && executor.get(kept.id).pid !== undefined, 'both to start');
    const keptPid = executor.get(kept.id).pid ?? 0;
    const plainPid = executor.get(plain.id).pid ?? 0;
    await executor.close();
    expect(executor.get(plain.id).state).toBe('killed');
    expect(alive(plainPid)).toBe(false);
    expect(alive(keptPid)).toBe(true);
    expect(() => executor.submit({ command: 'true', stdin: 'pipe', durable: true })).toThrow();

    const next = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir }) } });
    try {
      expect(next.list().map((j) => [j.id, j.state, j.pid])).toEqual([['kept', 'running', keptPid]]);
      expect((await next.kill('kept')).state).toBe('killed');
      expect(alive(keptPid)).toBe(false);
    } finally {
      await next.close();
    }
  });

  test('an ended job dropped under retention (its notice acked) takes its files with it', async () => {
    const dir = stateDir();
    const executor = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir }) }, retainMs: 0 });
    try {
      const agent = executor.bus.consumer('agent');
      executor.submit({ id: 'short', command: 'echo hi' });
      expect((await agent.next(AbortSignal.timeout(10_000))).jobId).toBe('short');
      executor.list(); // retention runs
      expect(readdirSync(dir).filter((f) => f.startsWith('short.'))).toEqual([]);
    } finally {
      await executor.close();
    }
  });

  test('durable: true needs a state directory, and cannot go with a piped stdin', async () => {
    const plain = new BackgroundExecutor(runtime);
    expect(() => plain.submit({ command: 'true', durable: true })).toThrow(/durable: true needs a state directory/);
    await plain.close();
    const executor = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir: stateDir() }) } });
    const error = thrown(() => executor.submit({ command: 'cat', durable: true, stdin: 'pipe' }));
    expect(InvalidJobSpecError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/stdin: "pipe"/);
    await executor.close();
  });

  test('a job whose supervisor was SIGKILLed while no host was alive is reported lost at reattach', async () => {
    const dir = stateDir();
    const executor = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir }) } });
    const job = executor.submit({ id: 'victim', command: 'sleep 30' });
    await until(() => executor.get(job.id).pid !== undefined, 'the job to start');
    await executor.close();
    const pid = executor.get(job.id).pid ?? 0;
    process.kill(-pid, 'SIGKILL');
    await until(() => !alive(pid), 'the group to die');

    const next = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir }) } });
    try {
      const notice = await next.bus.consumer('agent').next(AbortSignal.timeout(10_000));
      expect([notice.jobId, notice.state]).toEqual(['victim', 'lost']);
      expect(notice.tail).toContain('supervisor was killed before it recorded how the job ended');
    } finally {
      await next.close();
    }
  });
});
