/** Plain-text renderings of jobs for tool results: one line per job, and a job's notice. */
import { type Executor, fenceOutput, isFinalNotice, isFinalState, type Job, type Notice } from '@bgtasks/core';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function outcome(job: Job): string {
  if (job.state === 'completed' || job.state === 'failed') {
    return job.exitCode === null || job.exitCode === undefined
      ? `${job.state}${job.signal ? ` (${job.signal})` : ''}`
      : `${job.state} (exit ${job.exitCode})`;
  }
  return job.state;
}

/**
 * One line about a job, e.g. `build: running for 12.0 s, 311 output bytes: npm run build`.
 * @param now clock reading (`executor.runtime.now()`) for the run time of live jobs
 */
export function jobLine(job: Job, now: number): string {
  const command = fenceOutput(job.spec.command.length > 80 ? `${job.spec.command.slice(0, 77)}...` : job.spec.command);
  const bytes = `${job.output.bytes} output bytes`;
  if (job.state === 'queued') return `${job.id}: queued (waiting for a free slot): ${command}`;
  if (job.state === 'running') return `${job.id}: running for ${seconds(now - (job.startedAt ?? now))}, ${bytes}: ${command}`;
  const took = job.startedAt !== undefined && job.endedAt !== undefined ? ` in ${seconds(job.endedAt - job.startedAt)}` : '';
  return `${job.id}: ${outcome(job)}${took}, ${bytes}: ${command}`;
}

/** The notice the executor published when job `id` ended, or undefined while it runs. */
export function noticeOf(executor: Executor, id: string): Notice | undefined {
  const job = executor.get(id);
  if (!isFinalState(job.state)) return undefined;
  return executor.bus.history().find((n) => n.jobId === id && isFinalNotice(n));
}

/** Ids of jobs queued or running, in submission order. */
export function liveJobIds(executor: Executor): string[] {
  return executor
    .list()
    .filter((j) => !isFinalState(j.state))
    .map((j) => j.id);
}
