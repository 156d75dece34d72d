/**
 * The race every wait of an executor runs: what it waits for, against an optional timeout and
 * the caller's `AbortSignal`, with every timer and listener cleaned up however it ends. Both
 * backends wait through it.
 */
import { AbortedError } from '../errors.ts';
import type { WaitOptions, WaitResult } from '../executor-api.ts';
import { isFinalState, type Job } from '../job.ts';

/** The clock a race sleeps on (a `Runtime` is one). */
export interface RaceClock {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Resolves with the first of `racers(stop)` to settle, or `onTimeout()` after `timeoutMs`
 * (`Infinity`: never); rejects with {@link AbortedError} when `signal` aborts. `stop` aborts
 * once the race is over, so racers that loop or sleep end with it.
 */
export async function raceStop<T>(
  clock: RaceClock,
  racers: (stop: AbortSignal) => Promise<T>[],
  timeoutMs: number,
  onTimeout: () => T,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal?.aborted) throw new AbortedError();
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const all = racers(stop.signal);
    if (timeoutMs !== Number.POSITIVE_INFINITY) all.push(clock.sleep(timeoutMs, stop.signal).then(onTimeout));
    if (signal) {
      all.push(
        new Promise<never>((_, reject) =>
          stop.signal.addEventListener('abort', () => reject(new AbortedError()), { once: true }),
        ),
      );
    }
    return await Promise.race(all);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

/**
 * {@link Executor.wait}: until the first (`any`) or every (`all`) of `jobs` has ended (`ended`
 * resolves), or `timeoutMs`; then every job as `current` shows it now.
 */
export async function waitForEnds<E>(
  clock: RaceClock,
  jobs: readonly E[],
  ended: (job: E) => Promise<unknown>,
  current: (job: E) => Job,
  options: WaitOptions,
  timeoutMs: number,
): Promise<WaitResult> {
  const mode = options.mode ?? 'all';
  const outcome = await raceStop<'met' | 'timeout'>(
    clock,
    () => {
      const dones = jobs.map(ended);
      const condition = jobs.length === 0 ? Promise.resolve() : mode === 'any' ? Promise.race(dones) : Promise.all(dones);
      return [condition.then(() => 'met' as const)];
    },
    timeoutMs,
    () => 'timeout',
    options.signal,
  );
  const snaps = jobs.map(current);
  return {
    ended: snaps.filter((j) => isFinalState(j.state)),
    pending: snaps.filter((j) => !isFinalState(j.state)).map((j) => j.id),
    timedOut: outcome === 'timeout',
  };
}
