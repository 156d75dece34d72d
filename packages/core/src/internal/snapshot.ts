/** What callers see of a job: a copy of its record, at once or once it has ended. */
import { isFinalState, type Job } from '../job.ts';
import { deferred } from './deferred.ts';
import type { Entry } from './job-entry.ts';

/** A snapshot of `e`: a copy, with only the fields that are set. */
export function snapshot(e: Entry): Job {
  const job: Job = {
    id: e.id,
    spec: { ...e.spec },
    state: e.state,
    queuedAt: e.queuedAt,
    output: { bytes: e.buffer.totalBytes, omittedBytes: e.buffer.omittedBytes, truncated: e.buffer.truncated },
  };
  if (e.log) job.log = { path: e.log.path, bytes: e.log.accepted, capped: e.log.capped };
  if (e.pid !== undefined) job.pid = e.pid;
  if (e.exitCode !== undefined) job.exitCode = e.exitCode;
  if (e.signal !== undefined) job.signal = e.signal;
  if (e.forced !== undefined) job.forced = e.forced;
  if (e.error !== undefined) job.error = e.error;
  if (e.startedAt !== undefined) job.startedAt = e.startedAt;
  if (e.endedAt !== undefined) job.endedAt = e.endedAt;
  return job;
}

/** The job's final snapshot, once it has ended (at once if it has). */
export function whenEnded(entry: Entry): Promise<Job> {
  if (isFinalState(entry.state)) return Promise.resolve(snapshot(entry));
  entry.done ??= deferred<Job>();
  return entry.done.promise;
}
