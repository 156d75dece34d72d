// Full logs on disk with real processes: exact reads at any offset of a 600 MB job with host
// memory bounded, the per-job cap (a gap past it), and removal after the TTL.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InvalidJobSpecError } from './errors.ts';
import { LOG_HIGH_WATER_BYTES } from './full-log.ts';
import { realExecutors } from './real-executors.test-helper.ts';

const dir = mkdtempSync(join(tmpdir(), 'bgtasks-log-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { make } = realExecutors();

/** Resident memory of this process (the host running the executor), from /proc. */
function rssBytes(): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** `seq FIRST LAST` with 9-digit numbers: line i is at byte 10 * i and reads `FIRST + i`. */
const FIRST = 100_000_000;
function lineAt(offset: number): string {
  return `${FIRST + Math.floor(offset / 10)}\n`;
}

async function waitForFile(path: string, gone: boolean): Promise<void> {
  for (let i = 0; i < 200 && existsSync(path) !== !gone; i++) await new Promise((r) => setTimeout(r, 25));
}

describe('full logs', () => {
  // Once per runtime (this file runs once on each), ~600 MB through a pipe and a file.
  test('a 600 MB job reads back exactly at any offset, at most the high-water mark of it waits in memory for the disk, and host RSS grows by less than 150 MB', async () => {
    const executor = make({ logs: { dir, maxBytesPerJob: 700_000_000, maxTotalBytes: 700_000_000 } });
    const lines = 60_000_000;
    const rssBefore = rssBytes();
    let rssPeak = rssBefore;
    // What the executor itself holds for the log: bytes it accepted that are not in the file yet.
    // Unlike RSS (which counts garbage a busy runtime has not collected yet), this does not move
    // with the machine's load; it is what keeps a 600 MB job from living in memory.
    let heldPeak = 0;
    const job = executor.submit({ command: `seq ${FIRST} ${FIRST + lines - 1}`, log: true, timeoutMs: 120_000 });
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rssBytes());
      const log = executor.get(job.id).log;
      if (log) heldPeak = Math.max(heldPeak, log.bytes - statSize(log.path));
    }, 10);
    await executor.wait([job.id]);
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssBytes());
    const ended = executor.get(job.id);
    expect(ended).toMatchObject({ state: 'completed', output: { bytes: 600_000_000, truncated: true } });
    // The high-water mark plus the one pipe chunk that crossed it.
    expect(heldPeak).toBeGreaterThan(0);
    expect(heldPeak).toBeLessThanOrEqual(LOG_HIGH_WATER_BYTES + 1024 * 1024);
    // The process as a whole (the file runs alone: see scripts/test-groups.ts): a backstop that
    // catches the log living in memory (600 MB), a quarter of it. RSS also counts garbage not yet
    // collected: Node 20 grew 81-83 MB at 8c2767d and 84-101 MB after this round's changes, quiet
    // and alone, so 100 MB flaked; the exact bound is the held-bytes check above.
    expect(rssPeak - rssBefore).toBeLessThan(150 * 1024 * 1024);
    // The log is closed once the job ended; wait for the last bytes to land.
    for (let i = 0; i < 400 && (executor.get(job.id).log?.bytes ?? 0) > statSize(ended.log?.path); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(ended.log).toMatchObject({ bytes: 600_000_000, capped: false });
    expect(statSize(ended.log?.path)).toBe(600_000_000);
    for (const offset of [0, 10, 65_530, 1_000_000, 123_456_780, 314_159_260, 599_999_990]) {
      const slice = executor.output(job.id, { offset, limit: 30 });
      const expected = [0, 1, 2].map((k) => lineAt(offset + 10 * k)).join('');
      expect(slice).toMatchObject({ offset, gap: null, byteLength: Math.min(30, 600_000_000 - offset) });
      expect(slice.text).toBe(expected.slice(0, slice.byteLength));
    }
    // Mid-line: the exact bytes, not a line.
    expect(executor.output(job.id, { offset: 400_000_003, limit: 9 }).text).toBe('000000\n14');
    const last = executor.output(job.id, { offset: -10 });
    expect(last).toMatchObject({ offset: 599_999_990, eof: true, text: `${FIRST + lines - 1}\n` });
  }, 90_000);

  test('past the per-job cap the file stops and reads there are a gap; the file goes after its TTL', async () => {
    const executor = make({ logs: { dir, maxBytesPerJob: 1_000_000, ttlMs: 300 } });
    const job = executor.submit({ command: `seq ${FIRST} ${FIRST + 499_999}`, log: true });
    await executor.wait([job.id]);
    const ended = executor.get(job.id);
    expect(ended.log).toMatchObject({ bytes: 1_000_000, capped: true });
    const path = ended.log?.path ?? '';
    await waitForFile(path, false);
    expect(statSize(path)).toBe(1_000_000);
    expect(executor.output(job.id, { offset: 999_990, limit: 10 }).text).toBe(lineAt(999_990));
    const beyond = executor.output(job.id, { offset: 2_000_000, limit: 10 });
    expect(beyond.gap).not.toBeNull();
    expect(beyond.offset).toBeGreaterThan(2_000_000);
    // The tail still answers from memory.
    expect(executor.output(job.id, { offset: 4_999_990 }).text).toBe(lineAt(4_999_990));
    await waitForFile(path, true);
    expect(existsSync(path)).toBe(false);
    expect(executor.get(job.id).log).toBeUndefined();
    // Without the file, reads fall back to memory: the head is still exact.
    expect(executor.output(job.id, { offset: 0, limit: 10 }).text).toBe(lineAt(0));
  });

  test('the total cap is shared across jobs; log: true without a log directory is refused', async () => {
    const executor = make({ logs: { dir, maxTotalBytes: 1_500_000 } });
    const a = executor.submit({ command: `seq ${FIRST} ${FIRST + 99_999}`, log: true });
    await executor.wait([a.id]);
    const b = executor.submit({ command: `seq ${FIRST} ${FIRST + 99_999}`, log: true });
    await executor.wait([b.id]);
    expect(executor.get(a.id).log).toMatchObject({ bytes: 1_000_000, capped: false });
    expect(executor.get(b.id).log).toMatchObject({ bytes: 500_000, capped: true });
    // close() removes the files it still keeps.
    const paths = [a.id, b.id].map((id) => executor.get(id).log?.path ?? '');
    for (const path of paths) await waitForFile(path, false);
    expect(paths.every((p) => existsSync(p))).toBe(true);
    await executor.close();
    expect(paths.some((p) => existsSync(p))).toBe(false);
    expect(() => make().submit({ command: 'true', log: true })).toThrow(InvalidJobSpecError);
    expect(() => make().submit({ command: 'true', log: true })).toThrow(/pass logs: \{ dir \}/);
  });
});

function statSize(path: string | undefined): number {
  try {
    return path ? statSync(path).size : -1;
  } catch {
    return -1;
  }
}
