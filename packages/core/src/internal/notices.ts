/** The notices a job publishes: while it still runs (ready, progress, input_required), and its one final notice. */
import { NOTICE_TAIL_BYTES, NOTICE_TAIL_LINES } from '../executor-options.ts';
import type { FinalJobState, Notice, NoticeKind } from '../job.ts';
import type { NotificationBus } from '../notification-bus.ts';
import type { Runtime } from '../runtime.ts';
import { type SandboxSpec, sandboxNotice } from '../sandbox.ts';
import type { Entry } from './job-entry.ts';

/** Publishes a notice about a job that still runs (never after its final notice). */
export function publishRunning(
  runtime: Runtime,
  bus: NotificationBus,
  entry: Entry,
  kind: Exclude<NoticeKind, 'final'>,
  extra: Partial<Notice>,
): void {
  if (entry.state !== 'running') return;
  const now = runtime.now();
  bus.publish({
    jobId: entry.id,
    kind,
    state: 'running',
    exitCode: null,
    signal: null,
    durationMs: entry.startedAt === undefined ? 0 : now - entry.startedAt,
    outputBytes: entry.buffer.totalBytes,
    tail: entry.buffer.tail(NOTICE_TAIL_BYTES, 5),
    truncated: entry.buffer.truncated,
    endedAt: now,
    command: entry.spec.command,
    ...(entry.spec.label !== undefined ? { label: entry.spec.label } : {}),
    ...extra,
  });
}

/** Publishes the one final notice of a job that has just ended (`endedAt` set). */
export function publishFinal(bus: NotificationBus, entry: Entry, state: FinalJobState, sandbox?: SandboxSpec): void {
  const endedAt = entry.endedAt ?? 0;
  bus.publish({
    jobId: entry.id,
    state,
    exitCode: entry.exitCode ?? null,
    signal: entry.signal ?? null,
    durationMs: entry.startedAt === undefined ? 0 : endedAt - entry.startedAt,
    outputBytes: entry.buffer.totalBytes,
    tail: entry.buffer.tail(NOTICE_TAIL_BYTES, NOTICE_TAIL_LINES),
    truncated: entry.buffer.truncated,
    endedAt,
    command: entry.spec.command,
    ...(entry.spec.label !== undefined ? { label: entry.spec.label } : {}),
    ...sandboxNotice(entry.spec.sandbox, sandbox, entry.buffer.tail(NOTICE_TAIL_BYTES, 50)),
  });
}
