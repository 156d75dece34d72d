/**
 * Monitors that last as long as a job runs: an idle notice when it has written nothing for a
 * while (one per quiet spell), and a watch that reports output lines matching a pattern,
 * rate-limited and coalesced (a flood of matches becomes one notice with a count and the last
 * matching lines). Both publish `running` notices through the executor; both stop with the job.
 */

import type { Notice } from './job.ts';
import { compilePattern } from './job-watch.ts';
import type { Runtime } from './runtime.ts';

/** Default of {@link WatchSpec.intervalMs}: at most one watch notice per second. */
export const DEFAULT_WATCH_INTERVAL_MS = 1_000;
/** Matching lines a watch notice shows (the newest). */
export const WATCH_TAIL_LINES = 5;
/** Lines of output an idle notice shows. */
export const IDLE_TAIL_LINES = 5;

/** Tests an output line: what readiness patterns and watches share. */
export interface LineMatcher {
  test(line: string): boolean;
}

/**
 * The matcher of a pattern from untrusted input (through the same safe compiler as readiness
 * patterns); throws `InvalidJobSpecError` naming `field`.
 */
export function lineMatcher(field: string, pattern: string): LineMatcher {
  const re = compilePattern(field, pattern);
  return { test: (line) => re.test(line) };
}

/** What a monitor needs of the job it watches. */
export interface MonitoredJob {
  /** Clock time of the job's last output (or of its start). */
  lastOutputAt(): number;
  /** The last lines of its output. */
  tail(lines: number): string;
  /** Calls `listener` with each complete output line until the returned function is called. */
  onLine(listener: (line: string) => void): () => void;
  /** Publishes a notice of the running job (nothing once it has ended). */
  publish(kind: 'idle' | 'watch', extra: Partial<Notice>): void;
}

/**
 * Publishes one `idle` notice each time the job has written nothing for `idleMs`: the next one
 * only after it wrote again and went quiet again. Resolves when `signal` aborts.
 */
export async function monitorIdle(runtime: Runtime, job: MonitoredJob, idleMs: number, signal: AbortSignal): Promise<void> {
  let reported: number | undefined;
  while (!signal.aborted) {
    const last = job.lastOutputAt();
    const left = last + idleMs - runtime.now();
    if (left <= 0 && reported !== last) {
      reported = last;
      job.publish('idle', { idleMs: Math.round(runtime.now() - last), tail: job.tail(IDLE_TAIL_LINES) });
    }
    try {
      await runtime.sleep(left > 0 ? left : idleMs, signal);
    } catch {
      return;
    }
  }
}

/** A watch, validated (see `JobSpec.watch`). */
export interface WatchSpec {
  pattern: string;
  /** Least time between two watch notices of the job. */
  intervalMs?: number;
}

/**
 * Reports lines matching `watch.pattern` for as long as the job runs: the first match is
 * published at once (on the next turn, with whatever else matched meanwhile), later ones at most
 * every `intervalMs`, each notice carrying the count of matches it covers and the newest
 * matching lines. Matches still pending when `signal` aborts (the job ended) are published then,
 * before the job's final notice: no match goes uncounted.
 */
export function monitorWatch(runtime: Runtime, job: MonitoredJob, watch: WatchSpec, signal: AbortSignal): void {
  const matcher = lineMatcher('watch.pattern', watch.pattern);
  const intervalMs = watch.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
  let count = 0;
  let lines: string[] = [];
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (count === 0) return;
    job.publish('watch', { count, match: lines[lines.length - 1] ?? '', tail: lines.join('\n') });
    lastSentAt = runtime.now();
    count = 0;
    lines = [];
  };
  const off = job.onLine((line) => {
    if (!matcher.test(line)) return;
    count++;
    lines.push(line);
    if (lines.length > WATCH_TAIL_LINES) lines.shift();
    if (scheduled) return;
    scheduled = true;
    const wait = Math.max(0, lastSentAt + intervalMs - runtime.now());
    runtime.sleep(wait, signal).then(flush, () => {});
  });
  signal.addEventListener(
    'abort',
    () => {
      off();
      flush();
    },
    { once: true },
  );
}
