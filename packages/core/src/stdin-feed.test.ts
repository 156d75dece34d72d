// Input to a piped job cannot hang the caller nor grow the host without bound, with real
// processes on whichever runtime runs the suite: closing obeys the write timeout like writing,
// and bytes of writes that timed out are bounded per job.
import { createRuntime } from '@bgtasks/runtime';
import { afterEach, describe, expect, test } from 'vitest';
import { JobInputError } from './errors.ts';
import { BackgroundExecutor, type ExecutorOptions } from './executor.ts';
import { MAX_QUEUED_INPUT_BYTES } from './stdin-feed.ts';

const executors: BackgroundExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close({ killGraceMs: 100 })));
});

function make(options: ExecutorOptions = {}): BackgroundExecutor {
  const executor = new BackgroundExecutor(createRuntime(), { killGraceMs: 200, ...options });
  executors.push(executor);
  return executor;
}

/** Generous: "did not wait for the job", not a benchmark (the job holds its pipe for 30 s). */
const DID_NOT_WAIT_MS = 5_000;

async function settle(work: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - started };
}

describe('piped stdin limits', () => {
  test('closeStdin while the pipe is full returns within the write timeout with a clear error', async () => {
    const executor = make({ writeTimeoutMs: 300 });
    // Reads nothing for 30 s, then everything: the close completes only then.
    const job = executor.submit({ command: 'sleep 30; wc -c', stdin: 'pipe' });
    await expect(executor.write(job.id, 'x'.repeat(1 << 20))).rejects.toThrow(/has not read its input within 300 ms/);
    const closing = await settle(executor.closeStdin(job.id));
    expect(JobInputError.isInstance(closing.error)).toBe(true);
    expect(String((closing.error as Error).message)).toMatch(
      /has not read its input within 300 ms \(the pipe is full, \d+ bytes wait\); its stdin closes once it has read what is queued/,
    );
    expect(closing.ms).toBeLessThan(DID_NOT_WAIT_MS);
    expect(executor.get(job.id).state).toBe('running');
  });

  test('closeStdin of a job that reads completes and the job reads end-of-file', async () => {
    const executor = make({ writeTimeoutMs: 300 });
    const job = executor.submit({ command: 'wc -c', stdin: 'pipe' });
    await executor.write(job.id, 'abc');
    await executor.closeStdin(job.id);
    await executor.wait([job.id], { timeoutMs: 20_000 });
    expect(executor.get(job.id).state).toBe('completed');
    expect(executor.output(job.id).text.trim()).toBe('3');
  });

  test('bytes of writes that timed out stay under 8 MiB per job; past it a write is refused at once, saying so', async () => {
    const executor = make({ writeTimeoutMs: 200 });
    const job = executor.submit({ command: 'sleep 30', stdin: 'pipe' });
    const chunk = 'x'.repeat(4 << 20);
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { error, ms } = await settle(executor.write(job.id, chunk));
      expect(JobInputError.isInstance(error)).toBe(true);
      const message = String((error as Error).message);
      outcomes.push(
        /has not read its input/.test(message)
          ? 'timed out'
          : /at most 8388608 bytes \(8 MiB\) may wait per job/.test(message)
            ? 'refused'
            : message,
      );
      expect(ms).toBeLessThan(DID_NOT_WAIT_MS);
    }
    // 4 MiB, then 8 MiB (less what the pipe took) wait; every later write would pass the bound.
    expect(MAX_QUEUED_INPUT_BYTES).toBe(8 * 1024 * 1024);
    expect(outcomes).toEqual(['timed out', 'timed out', 'refused', 'refused', 'refused', 'refused']);
    // A small answer still fits once the job reads: here it never does, so it is refused too.
    await expect(executor.write(job.id, 'y\n')).rejects.toThrow(/still wait for it to read them/);
    // A job that reads, on an executor that gives it time to (the host may be loaded).
    const patient = make({ writeTimeoutMs: 30_000 });
    const other = patient.submit({ command: 'cat >/dev/null', stdin: 'pipe' });
    await expect(patient.write(other.id, 'z'.repeat(MAX_QUEUED_INPUT_BYTES + 1))).rejects.toThrow(
      /8388609 bytes in one write is more than the 8388608 bytes \(8 MiB\) that may wait for a job; send them in parts/,
    );
    // A job that reads takes 8 MiB in parts, each within the bound.
    for (let i = 0; i < 4; i++) await patient.write(other.id, 'z'.repeat(2 << 20));
  });
});
