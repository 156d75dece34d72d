/**
 * Reattach: what a new executor takes over from its durable state directory. Ended jobs are
 * kept (their final notices published again unless a consumer acked them), jobs still running
 * are followed again (same ids and processes), and unreadable records become `lost` jobs with a
 * notice naming the file.
 */
import type { DurableJobs } from '../durable-jobs.ts';
import type { DurableJobRecord, DurableProblem } from '../durable-store.ts';
import { isFinalState, type JobSpec } from '../job.ts';
import type { NotificationBus } from '../notification-bus.ts';
import { OutputBuffer } from '../output-buffer.ts';
import type { Child, Runtime } from '../runtime.ts';
import type { Entry } from './job-entry.ts';
import { publishFinal } from './notices.ts';

/** Bytes of an ended job's log read back into memory from each end. */
const KEPT_BYTES = 64 * 1024;

/** What {@link reattach} needs of its executor. */
export interface ReattachHost {
  runtime: Runtime;
  bus: NotificationBus;
  retainMs: number;
  /** A new entry for job `spec.id`, kept by the executor. */
  add(spec: JobSpec & { id: string }): Entry;
  /** The job has ended (retention starts counting). */
  ended(entry: Entry): void;
  /** Follows a running job to its end, its timeout due at `dueAt` (clock ms). */
  follow(entry: Entry, child: Child, dueAt: number): void;
}

/** Takes over what `durable`'s directory holds; returns the records that could not be read. */
export function reattach(durable: DurableJobs, host: ReattachHost): DurableProblem[] {
  const { runtime } = host;
  const { records, problems } = durable.load();
  const wallToClock = (ms: number): number => runtime.now() - (Date.now() - ms);
  const endOf = (r: DurableJobRecord): number => r.end?.endedAtMs ?? r.startedAtMs;
  for (const r of [...records].sort((a, b) => endOf(a) - endOf(b))) {
    // Past retention with its notice acked: the previous host would have dropped it by now.
    if (r.end !== undefined && r.ackedBy.length > 0 && Date.now() - r.end.endedAtMs >= host.retainMs) {
      durable.forget(r.id);
      continue;
    }
    const spec: JobSpec & { id: string } = { ...r.spec, id: r.id };
    if (r.timeoutAtMs === undefined) spec.timeoutMs = Number.POSITIVE_INFINITY;
    const entry = host.add(spec);
    entry.durable = true;
    entry.marker = r.marker;
    entry.pid = r.pid;
    entry.startedAt = wallToClock(r.startedAtMs);
    if (r.end === undefined || !isFinalState(r.state)) {
      entry.replayUntil = durable.store.logSize(r.id);
      const dueAt = r.timeoutAtMs === undefined ? Number.POSITIVE_INFINITY : wallToClock(r.timeoutAtMs);
      host.follow(entry, durable.attach(r), dueAt);
      continue;
    }
    entry.state = r.state;
    entry.endedAt = wallToClock(r.end.endedAtMs);
    entry.exitCode = r.end.exitCode;
    entry.signal = r.end.signal;
    if (r.end.forced !== undefined) entry.forced = r.end.forced;
    if (r.end.error !== undefined) entry.error = r.end.error;
    entry.buffer = logBuffer(durable, r.id);
    host.ended(entry);
    if (r.ackedBy.length === 0) publishFinal(host.bus, entry, r.state);
  }
  for (const p of problems) {
    const entry = host.add({ id: p.jobId, command: '(unknown: its record is unreadable)' });
    entry.state = 'lost';
    entry.startedAt = entry.endedAt = runtime.now();
    entry.error = p.message;
    entry.buffer.append(new TextEncoder().encode(`bgtasks: ${p.message}\n`));
    host.ended(entry);
    publishFinal(host.bus, entry, 'lost');
    durable.store.quarantine(p.jobId);
  }
  host.bus.observeAcks((consumer, notices) => durable.ack(consumer, notices, () => {}));
  return problems;
}

/** The head and tail of an ended durable job's log, read back into memory (read-only). */
function logBuffer(durable: DurableJobs, id: string): OutputBuffer {
  const size = durable.store.logSize(id);
  if (size <= 2 * KEPT_BYTES) {
    return OutputBuffer.fromSnapshot({ head: durable.store.readLog(id, 0, size), tail: new Uint8Array(0), totalBytes: size });
  }
  return OutputBuffer.fromSnapshot({
    head: durable.store.readLog(id, 0, KEPT_BYTES),
    tail: durable.store.readLog(id, size - KEPT_BYTES, KEPT_BYTES),
    totalBytes: size,
  });
}
