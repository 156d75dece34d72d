/**
 * The hold of `inject`: before the request that carries the tool results of a response, wait a
 * short, bounded time for a job that response started when it is likely to end within that
 * time, so its notice rides this request instead of the model spending a turn saying it waits.
 * "Likely" is what the same command took the last time it completed on this executor; a job
 * with no such past is never held for, so nothing is held when nothing is about to end. The
 * notices themselves still go through the bus lease: the hold changes when the request goes
 * out, never which notices it carries or how often.
 */
import { type Executor, isFinalState, type Job } from '@bgtasks/core';

/** Per executor and bus consumer (one loop), when its last request went out: jobs queued since came from that response. */
const lastRequestAt = new WeakMap<Executor, Map<string, number>>();

/** Margin on the predicted remaining time: a job a little slower than last time is still waited for. */
export const HOLD_SLACK = 1.25;

/**
 * How long `job` should still run, from the last completed job with the same command on
 * `executor`; undefined without such a job or before `job` started.
 */
export function predictedRemainingMs(executor: Executor, job: Job, now: number): number | undefined {
  if (job.startedAt === undefined) return undefined;
  const past = executor
    .list()
    .filter((j) => j.id !== job.id && j.spec.command === job.spec.command && j.state === 'completed')
    .at(-1);
  if (past?.startedAt === undefined || past.endedAt === undefined) return undefined;
  return Math.max(0, past.endedAt - past.startedAt - (now - job.startedAt));
}

/**
 * Called before each request of a run (`consumer` names the loop): waits (at most `maxMs`) for the jobs queued since the
 * previous request that are predicted to end within `maxMs`, then notes this request's time.
 */
export async function holdForEndingJobs(executor: Executor, consumer: string, maxMs: number, signal: AbortSignal): Promise<void> {
  const clock = executor.runtime;
  const times = lastRequestAt.get(executor) ?? new Map<string, number>();
  lastRequestAt.set(executor, times);
  const since = times.get(consumer);
  if (since !== undefined && maxMs > 0) {
    const now = clock.now();
    const soon = executor
      .list()
      .filter((j) => j.queuedAt >= since && !isFinalState(j.state))
      .map((j) => ({ id: j.id, remaining: predictedRemainingMs(executor, j, now) }))
      .filter((x): x is { id: string; remaining: number } => x.remaining !== undefined && x.remaining <= maxMs);
    if (soon.length > 0) {
      const timeoutMs = Math.min(maxMs, Math.max(...soon.map((x) => x.remaining)) * HOLD_SLACK);
      await executor.wait(
        soon.map((x) => x.id),
        { mode: 'all', timeoutMs, signal },
      );
    }
  }
  times.set(consumer, clock.now());
}
