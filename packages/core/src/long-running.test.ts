// Readiness, waitFor, progress and piped stdin with real processes, on whichever runtime runs
// the suite.
import { createServer } from 'node:net';
import { createRuntime } from '@bgtasks/runtime';
import { afterEach, describe, expect, test } from 'vitest';
import { InvalidJobSpecError, JobInputError } from './errors.ts';
import { BackgroundExecutor, type ExecutorOptions } from './executor.ts';
import type { Notice } from './job.ts';

const executors: BackgroundExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close({ killGraceMs: 100 })));
});

function make(options: ExecutorOptions = {}): BackgroundExecutor {
  const executor = new BackgroundExecutor(createRuntime(), { killGraceMs: 300, ...options });
  executors.push(executor);
  return executor;
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A dev server: quiet for `delayMs`, then notes the time, listens on `port` and prints
 * `listening on 127.0.0.1:PORT at <ms>`; serves until killed.
 */
function devServer(port: number, delayMs: number): string {
  const js = `setTimeout(()=>{const t=Date.now();require('net').createServer(s=>{s.on('error',()=>{});s.end('ok')}).listen(${port},'127.0.0.1',()=>console.log('listening on 127.0.0.1:${port} at '+t))},${delayMs})`;
  return `echo starting; exec node -e "${js}"`;
}

/** Notices of `consumer` until (and including) the first final one of `jobId`. */
async function noticesUntilEnd(executor: BackgroundExecutor, name: string, jobId: string): Promise<Notice[]> {
  const consumer = executor.bus.consumer(name);
  const seen: Notice[] = [];
  for (;;) {
    const n = await consumer.next();
    seen.push(n);
    if (n.jobId === jobId && (n.kind ?? 'final') === 'final') return seen;
  }
}

describe('readiness', () => {
  test('a dev server gets one ready notice by pattern, after it listens and before it exits', async () => {
    const executor = make();
    const port = await freePort();
    const job = executor.submit({ command: devServer(port, 400), ready: { pattern: 'listening on 127\\.0\\.0\\.1:\\d+' } });
    const consumer = executor.bus.consumer('c');
    const notice = await consumer.next();
    const receivedAt = Date.now();
    expect(notice).toMatchObject({ jobId: job.id, kind: 'ready', state: 'running', ready: 'pattern' });
    expect(notice.match).toMatch(new RegExp(`^listening on 127.0.0.1:${port} at \\d+$`));
    const listenedAt = Number(notice.match?.split(' at ')[1]);
    expect(receivedAt).toBeGreaterThanOrEqual(listenedAt);
    expect(executor.get(job.id).state).toBe('running');
    await executor.kill(job.id);
    const rest = [await consumer.next()];
    expect(rest.map((n) => n.kind ?? 'final')).toEqual(['final']);
    expect(consumer.pending()).toEqual([]);
  });

  test('by port: the notice comes once the port accepts, not when the job starts', async () => {
    const executor = make();
    const port = await freePort();
    const job = executor.submit({ command: devServer(port, 600), ready: { port } });
    const notice = await executor.bus.consumer('c').next();
    const receivedAt = Date.now();
    expect(notice).toMatchObject({ jobId: job.id, kind: 'ready', ready: 'port', state: 'running' });
    const line = (await executor.waitFor(job.id, { pattern: 'listening on' })).match ?? '';
    expect(receivedAt).toBeGreaterThanOrEqual(Number(line.split(' at ')[1]));
    expect(executor.get(job.id).state).toBe('running');
  });

  test('waitFor resolves by pattern (lines already printed count), port and idleMs', async () => {
    const executor = make();
    const port = await freePort();
    const job = executor.submit({ command: devServer(port, 300) });
    await expect(executor.waitFor(job.id, { port, timeoutMs: 20_000 })).resolves.toMatchObject({ met: 'port' });
    const byPattern = await executor.waitFor(job.id, { pattern: '^listening', timeoutMs: 20_000 });
    expect(byPattern).toMatchObject({ met: 'pattern', job: { state: 'running' } });
    const idle = await executor.waitFor(job.id, { idleMs: 300, timeoutMs: 20_000 });
    expect(idle).toMatchObject({ met: 'idle', job: { id: job.id, state: 'running' } });
  });

  test('a job that exits before it is ready resolves exit with its final state, never hangs', async () => {
    const executor = make();
    const job = executor.submit({ command: 'echo booting; sleep 0.2; echo "port in use" >&2; exit 3' });
    const result = await executor.waitFor(job.id, { pattern: 'listening' });
    expect(result).toMatchObject({ met: 'exit', job: { state: 'failed', exitCode: 3 } });
    expect(await executor.waitFor(job.id, { idleMs: 10 })).toMatchObject({ met: 'exit' });
    const port = await freePort();
    const again = executor.submit({ command: 'exit 0', ready: { port } });
    const notices = await noticesUntilEnd(executor, 'c', again.id);
    expect(notices.filter((n) => n.jobId === again.id).map((n) => n.kind ?? 'final')).toEqual(['final']);
  });

  test('waitFor times out on a job that never gets ready', async () => {
    const executor = make();
    const job = executor.submit({ command: 'sleep 30' });
    await expect(executor.waitFor(job.id, { pattern: 'never', timeoutMs: 200 })).resolves.toMatchObject({
      met: 'timeout',
      job: { state: 'running' },
    });
  });

  test('a hostile pattern is refused with the field named; a catastrophic one is matched in linear time, lines cut', async () => {
    const executor = make();
    expect(() => executor.submit({ command: 'true', ready: { pattern: '(' } })).toThrow(
      /ready\.pattern: not a valid regular expression/,
    );
    const job = executor.submit({ command: 'sleep 30' });
    await expect(executor.waitFor(job.id, { pattern: '[' })).rejects.toThrow(InvalidJobSpecError);
    await expect(executor.waitFor(job.id, { pattern: 'a', port: 1 })).rejects.toThrow(/exactly one of pattern, port, idleMs/);
    // Backtracking-only syntax is refused before any output is matched; the shapes that are
    // exponential for a backtracking engine are accepted: they are matched in linear time.
    for (const pattern of ['(a)\\1', 'a(?=b)', '(?<!a)b']) {
      await expect(executor.waitFor(job.id, { pattern })).rejects.toThrow(
        /are not supported: patterns are matched in linear time/,
      );
    }
    for (const pattern of ['(a+)+$', '(x*y)*z', '(a|aa){2,}b', '^(\\w+\\s?)*$', '(ab)+']) {
      await expect(executor.waitFor(job.id, { pattern, timeoutMs: 1 })).resolves.toMatchObject({ met: 'timeout' });
    }
    // A long line is cut and matched by its start.
    const long = executor.submit({ command: `printf 'READY%.0s' $(seq 1 2000); echo; sleep 30` });
    await expect(executor.waitFor(long.id, { pattern: '^READY', timeoutMs: 20_000 })).resolves.toMatchObject({
      met: 'pattern',
    });
    expect((await executor.waitFor(long.id, { pattern: '^READY' })).match?.length).toBe(1024);
  });
});

describe('progress', () => {
  test('progress notices are rate-limited, carry only new output, and the final notice comes once, last', async () => {
    const executor = make();
    const job = executor.submit({
      command: 'for i in $(seq 1 12); do echo "step $i"; sleep 0.1; done',
      progressMs: 400,
    });
    const started = performance.now();
    const notices = await noticesUntilEnd(executor, 'c', job.id);
    const elapsedMs = performance.now() - started;
    const progress = notices.filter((n) => n.kind === 'progress');
    const finals = notices.filter((n) => (n.kind ?? 'final') === 'final');
    expect(finals).toHaveLength(1);
    expect(notices.at(-1)).toBe(finals[0]);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    // At most one per progressMs (a slow host only makes fewer).
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 400) + 1);
    // Each starts where the previous ended: only new output, none repeated.
    let at = 0;
    for (const p of progress) {
      expect(p.fromByte).toBe(at);
      expect(p.toByte).toBeGreaterThan(at);
      at = p.toByte ?? 0;
    }
    const shown = progress.map((p) => `${p.tail}\n`).join('');
    expect(executor.output(job.id).text.startsWith(shown)).toBe(true);
    // Nothing after the final notice: the consumer is empty however long we look.
    await new Promise((r) => setTimeout(r, 500));
    expect(executor.bus.consumer('c').pending()).toEqual([]);
  });

  test('no new output, no progress notice', async () => {
    const executor = make({ progressMs: 100 });
    const job = executor.submit({ command: 'echo once; sleep 0.8' });
    const notices = await noticesUntilEnd(executor, 'c', job.id);
    // One for "once" at the first tick, then silence: nothing new, nothing sent.
    expect(notices.filter((n) => n.kind === 'progress').map((n) => n.tail)).toEqual(['once']);
  });
});

describe('piped stdin', () => {
  test('input_required once per prompt, write answers it, the next prompt is announced again', async () => {
    const executor = make({ promptIdleMs: 200 });
    const job = executor.submit({
      command: `printf 'Continue? [y/N] ' >&2; read a; echo "got:$a"; printf 'Password: '; read p; echo "len:\${#p}"`,
      stdin: 'pipe',
    });
    const consumer = executor.bus.consumer('c');
    const first = await consumer.next();
    expect(first).toMatchObject({ kind: 'input_required', state: 'running', tail: 'Continue? [y/N] ' });
    // Still one notice for the same prompt however long it waits.
    await new Promise((r) => setTimeout(r, 600));
    expect(consumer.pending()).toEqual([]);
    await executor.write(job.id, 'y\n');
    const second = await consumer.next();
    expect(second).toMatchObject({ kind: 'input_required', tail: 'Password: ' });
    await executor.write(job.id, 'hunter2\n');
    await executor.closeStdin(job.id);
    const final = await consumer.next();
    expect(final).toMatchObject({ jobId: job.id, state: 'completed' });
    expect(executor.output(job.id).text).toContain('got:y');
    expect(executor.output(job.id).text).toContain('len:7');
  });

  test('closeStdin gives end-of-file; writing to a /dev/null, closed or ended job is a JobInputError', async () => {
    const executor = make();
    const cat = executor.submit({ command: 'cat', stdin: 'pipe' });
    await executor.write(cat.id, 'one\ntwo\n');
    await executor.closeStdin(cat.id);
    await executor.closeStdin(cat.id);
    const [ended] = (await executor.wait([cat.id])).ended;
    expect(ended?.state).toBe('completed');
    expect(executor.output(cat.id).text).toBe('one\ntwo\n');
    await expect(executor.write(cat.id, 'x')).rejects.toThrow(JobInputError);
    const plain = executor.submit({ command: 'sleep 30' });
    await expect(executor.write(plain.id, 'x')).rejects.toThrow(/stdin is \/dev\/null; submit it with stdin: "pipe"/);
    const closed = executor.submit({ command: 'sleep 30', stdin: 'pipe' });
    await executor.closeStdin(closed.id);
    await expect(executor.write(closed.id, 'x')).rejects.toThrow(JobInputError);
  });

  test('a write a job never reads fails after writeTimeoutMs instead of hanging the caller', async () => {
    const executor = make({ writeTimeoutMs: 300 });
    const job = executor.submit({ command: 'sleep 30', stdin: 'pipe' });
    await expect(executor.write(job.id, 'x'.repeat(4 << 20))).rejects.toThrow(/has not read its input within 300 ms/);
    expect(executor.get(job.id).state).toBe('running');
  });

  test('waitFor a pattern on a job without ready or pipe: a line split across the moment it starts listening is whole', async () => {
    const executor = make();
    const job = executor.submit({ command: `printf 'listen'; sleep 0.4; echo 'ing on 127.0.0.1:1'; sleep 30` });
    await executor.waitFor(job.id, { idleMs: 200 });
    const result = await executor.waitFor(job.id, { pattern: '^listening on', timeoutMs: 10_000 });
    expect(result).toMatchObject({ met: 'pattern', match: 'listening on 127.0.0.1:1' });
  });

  test('a job that exits without reading its stdin does not break a later write', async () => {
    const executor = make();
    const job = executor.submit({ command: 'exec 0<&-; sleep 0.3', stdin: 'pipe' });
    const big = 'x'.repeat(1 << 20);
    await expect(executor.write(job.id, big)).rejects.toThrow(JobInputError);
    await executor.wait([job.id]);
    expect(executor.get(job.id).state).toBe('completed');
  });
});
