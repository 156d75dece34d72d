/**
 * The watchers a running job's spec asks for: readiness (`ready`), progress (`progressMs`),
 * prompts (`stdin: 'pipe'`), idle notices (`idleNoticeMs`) and watches (`watch`), all stopped by
 * the entry's `timers` when the job ends.
 */
import { checkDuration } from '../duration.ts';
import { NOTICE_TAIL_BYTES, PROGRESS_BYTES } from '../executor-options.ts';
import { isFinalState } from '../job.ts';
import { type MonitoredJob, monitorIdle, monitorWatch } from '../job-monitors.ts';
import type { NotificationBus } from '../notification-bus.ts';
import type { Runtime } from '../runtime.ts';
import type { Entry } from './job-entry.ts';
import { watchPrompts } from './job-input.ts';
import { publishRunning } from './notices.ts';
import { specCondition, until } from './readiness.ts';

/** What the watchers need of their executor. */
export interface WatchContext {
  runtime: Runtime;
  bus: NotificationBus;
  /** `progressMs` of jobs whose spec names none. */
  progressMs: number | undefined;
  promptIdleMs: number | undefined;
  /** `idleNoticeMs` of jobs whose spec names none. */
  idleNoticeMs: number | undefined;
}

/** Starts the watchers a running job's spec asks for: readiness, progress, prompts. */
export function startWatchers(ctx: WatchContext, entry: Entry): void {
  // An ended job starts no watcher; a running one that asks for any gets what stops them.
  const ready = entry.spec.ready;
  const progressMs = entry.spec.progressMs ?? ctx.progressMs;
  const idleMs = entry.spec.idleNoticeMs ?? ctx.idleNoticeMs;
  const monitored = idleMs !== undefined || entry.spec.watch !== undefined;
  if (isFinalState(entry.state) || (!ready && progressMs === undefined && entry.spec.stdin !== 'pipe' && !monitored)) return;
  entry.timers = new AbortController();
  const signal = entry.timers.signal;
  const { runtime, bus } = ctx;
  if (idleMs !== undefined) void monitorIdle(runtime, monitoredJob(ctx, entry), checkDuration('idleNoticeMs', idleMs), signal);
  if (entry.spec.watch) monitorWatch(runtime, monitoredJob(ctx, entry), entry.spec.watch, signal);
  if (ready) {
    void until(runtime, entry, specCondition(ready), signal, false).then((hit) => {
      if (entry.state !== 'running') return;
      publishRunning(runtime, bus, entry, 'ready', {
        ready: hit.met,
        ...(hit.match !== undefined ? { match: hit.match, tail: hit.match } : {}),
        ...(hit.portOwner !== undefined ? { portOwner: hit.portOwner } : {}),
      });
    });
  }
  if (progressMs !== undefined) void watchProgress(ctx, entry, checkDuration('progressMs', progressMs), signal);
  if (entry.spec.stdin === 'pipe') void watchPrompts(runtime, bus, entry, ctx.promptIdleMs, signal);
}

/** What the idle and watch monitors see of a running job. */
function monitoredJob(ctx: WatchContext, entry: Entry): MonitoredJob {
  return {
    lastOutputAt: () => entry.lastOutputAt,
    tail: (lines) => entry.buffer.tail(NOTICE_TAIL_BYTES, lines),
    onLine: (listener) => {
      // A reattached job's log is read again from its start: lines the last host saw are not news.
      const fresh = (line: string): void => {
        if (entry.buffer.totalBytes > entry.replayUntil) listener(line);
      };
      entry.lineListeners ??= new Set();
      entry.lineListeners.add(fresh);
      return () => entry.lineListeners?.delete(fresh);
    },
    publish: (kind, extra) => publishRunning(ctx.runtime, ctx.bus, entry, kind, extra),
  };
}

/** Every `everyMs`, publishes the output that is new since the last progress notice (if any). */
async function watchProgress(ctx: WatchContext, entry: Entry, everyMs: number, signal: AbortSignal): Promise<void> {
  let from = 0;
  while (!signal.aborted) {
    try {
      await ctx.runtime.sleep(everyMs, signal);
    } catch {
      return;
    }
    const total = entry.buffer.totalBytes;
    if (total <= from || entry.state !== 'running') continue;
    const slice = entry.buffer.read({ offset: Math.max(from, total - PROGRESS_BYTES), limit: PROGRESS_BYTES });
    publishRunning(ctx.runtime, ctx.bus, entry, 'progress', {
      tail: slice.text.replace(/\n$/, ''),
      fromByte: slice.offset,
      toByte: slice.nextOffset,
    });
    from = slice.nextOffset;
  }
}
