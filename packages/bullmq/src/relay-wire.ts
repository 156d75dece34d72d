/** A notice stream entry (final, or relayed from a worker while the job runs) as a {@link Notice}. */
import type { Notice } from '@bgtasks/core';
import type { NoticeEntry } from './internal/wire.ts';

export function toNotice(entry: NoticeEntry, endedAt: number): Notice {
  const notice: Notice = {
    jobId: entry.jobId,
    state: entry.state,
    exitCode: entry.exitCode,
    signal: entry.signal,
    durationMs: entry.durationMs,
    outputBytes: entry.outputBytes,
    tail: entry.tail,
    truncated: entry.truncated,
    seq: entry.seq,
    endedAt,
    command: entry.command,
  };
  if (entry.label !== undefined) notice.label = entry.label;
  if (entry.kind !== undefined) notice.kind = entry.kind;
  if (entry.ready) notice.ready = entry.ready;
  if (entry.match && entry.kind === 'ready' && entry.ready === 'pattern') notice.match = entry.match;
  if (entry.portOwner) notice.portOwner = entry.portOwner;
  if (entry.fromByte !== undefined) notice.fromByte = entry.fromByte;
  if (entry.toByte !== undefined) notice.toByte = entry.toByte;
  return notice;
}
