/** `inject`: notices ride the next request by themselves; an idle model is woken by the next one. */
import { checkDuration } from '@bgtasks/core';
import { injectTools, NoticeInjector } from '@bgtasks/inject';
import { holdForEndingJobs } from './inject-hold.ts';
import type { NoticeBatch, Strategy } from './strategy.ts';
import { runningJobs } from './strategy.ts';

/** Default of {@link InjectStrategyOptions.wakeTimeoutMs}: 30 minutes. */
export const DEFAULT_WAKE_TIMEOUT_MS = 30 * 60_000;
/** Default of {@link InjectStrategyOptions.consumer}. */
export const DEFAULT_INJECT_CONSUMER = 'inject';

/** Options of {@link injectStrategy}. */
export interface InjectStrategyOptions {
  /**
   * Longest wait for a notice after the model ended its turn with jobs running; then the model is
   * told what still runs and may end its turn again to keep waiting. Default 30 minutes.
   */
  wakeTimeoutMs?: number;
  /** See `NoticeInjectorOptions.coalesceMs` (default 20 ms). */
  coalesceMs?: number;
  /**
   * The bus consumer notices are leased from. Default `inject`. Two loops that must each see every
   * notice use two names; runs that continue one conversation share one.
   */
  consumer?: string;
  /**
   * The hold: before the request carrying a response's tool results, wait up to this long for a
   * job that response started when the same command, the last time it completed here, took
   * little enough that it should end within this time (its notice then rides the request instead
   * of the model spending a turn waiting). Never holds for a job without such a past. Default 0:
   * off (it has not yet been shown to win on W5 and W7; see docs/benchmark.md).
   */
  holdMs?: number;
}

/** The user message sent when no job ended within the wake timeout. */
export function wakeTimeoutText(wakeTimeoutMs: number, running: readonly string[]): string {
  return `No background job ended in the last ${Math.round(wakeTimeoutMs / 1000)} s; still running: ${running.join(', ')}. End your turn to keep waiting, or stop a job with bg_kill.`;
}

/**
 * `bg_bash`, `bg_output`, `bg_kill`. Before each request every pending notice is leased and shown
 * to the model (acked when the request succeeds, released when it fails, so each reaches the model
 * exactly once); when the model ends its turn while jobs run or notices wait, the strategy waits
 * for the next notice and goes on (the wake-up).
 * @example
 * await runAgent({ client, model, executor, strategy: injectStrategy({ wakeTimeoutMs: 600_000 }), prompt: 'Build it.' });
 */
export function injectStrategy(options: InjectStrategyOptions = {}): Strategy {
  // Checked here, before any request: NaN or 0 would wake the model in a hot loop.
  const wakeTimeoutMs = checkDuration('wakeTimeoutMs', options.wakeTimeoutMs ?? DEFAULT_WAKE_TIMEOUT_MS, { infinite: true });
  if (options.coalesceMs !== undefined) checkDuration('coalesceMs', options.coalesceMs, { zero: true });
  const holdMs = options.holdMs === undefined ? 0 : checkDuration('holdMs', options.holdMs, { zero: true });
  const consumerName = options.consumer ?? DEFAULT_INJECT_CONSUMER;
  const injectorOptions = options.coalesceMs !== undefined ? { coalesceMs: options.coalesceMs } : {};
  return {
    name: 'inject',
    tools: injectTools,
    beforeRequest({ executor, signal }): NoticeBatch | Promise<NoticeBatch> {
      const leaseAll = (): NoticeBatch => {
        const lease = executor.bus.consumer(consumerName).lease();
        return { notices: lease.notices, lease };
      };
      // Without the hold the lease is taken at once, as it always was.
      if (holdMs === 0) return leaseAll();
      return holdForEndingJobs(executor, consumerName, holdMs, signal).then(leaseAll);
    },
    async afterSuccess(batch, { executor }) {
      if (batch.lease) await executor.bus.consumer(consumerName).ack(batch.lease);
    },
    async afterFailure(batch, { executor }) {
      if (batch.lease) await executor.bus.consumer(consumerName).release(batch.lease);
    },
    async onEndTurn({ executor, signal, turnsLeft }) {
      const consumer = executor.bus.consumer(consumerName);
      const runningAtEnd = runningJobs(executor);
      if (runningAtEnd.length === 0 && consumer.pending().length === 0) return { action: 'stop' };
      if (turnsLeft <= 0) return { action: 'stop', reason: 'max_turns' };
      // Every job has ended and its notice waits: no other job can end to travel with it, so the
      // coalescing window would only delay the wake-up.
      if (runningAtEnd.length === 0) return { action: 'continue', wake: { reason: 'notice', waitedMs: 0, running: [] } };
      const clock = executor.runtime;
      const waitFrom = clock.now();
      const reason = await new NoticeInjector(consumer, clock, injectorOptions).waitForWake(wakeTimeoutMs, signal);
      const running = runningJobs(executor);
      const wake = { reason, waitedMs: clock.now() - waitFrom, running };
      if (reason === 'timeout') return { action: 'continue', wake, say: wakeTimeoutText(wakeTimeoutMs, running) };
      return { action: 'continue', wake };
    },
  };
}
