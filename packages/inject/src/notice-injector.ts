/**
 * Delivers notices exactly once across model requests: `prepare` leases every pending notice
 * and places it in the request's messages, `commit` acks the lease once the request succeeded
 * (and returns the history with the notices kept in it), `abandon` releases it on error so the
 * same notices ride the next request. `waitForWake` is the wait behind the wake-up.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { AbortedError, checkDuration, type Lease, type Notice, type NoticeConsumer, type Runtime } from '@bgtasks/core';
import { type Injected, injectNotices, type NoticePlacement } from './inject-notices.ts';

/** A request's messages with the leased notices placed in them. */
export interface PreparedRequest {
  readonly messages: MessageParam[];
  readonly notices: readonly Notice[];
  readonly placement: NoticePlacement;
  readonly lease: Lease;
}

/** Options of {@link NoticeInjector}. */
export interface NoticeInjectorOptions {
  /**
   * After the first notice of a wake-up arrives, wait this long for others so jobs that end
   * together arrive together. Default 20 ms. On the virtual runtime even 0 gathers every job
   * that ended at the same instant.
   */
  coalesceMs?: number;
}

/** Why {@link NoticeInjector.waitForWake} returned. */
export type WakeReason = 'notice' | 'timeout';

export class NoticeInjector {
  readonly consumer: NoticeConsumer;
  readonly coalesceMs: number;
  readonly #clock: Pick<Runtime, 'now' | 'sleep'>;

  /**
   * @param consumer the bus consumer notices are taken from (e.g. `executor.bus.consumer('inject')`)
   * @param clock `executor.runtime`, or any `now`/`sleep` pair
   */
  constructor(consumer: NoticeConsumer, clock: Pick<Runtime, 'now' | 'sleep'>, options: NoticeInjectorOptions = {}) {
    this.consumer = consumer;
    this.#clock = clock;
    this.coalesceMs = checkDuration('coalesceMs', options.coalesceMs ?? 20, { zero: true });
  }

  /** Notices waiting for the next request. */
  get pending(): number {
    return this.consumer.pending().length;
  }

  /** Leases every pending notice and places it in a copy of `history`. */
  prepare(history: readonly MessageParam[]): PreparedRequest {
    const lease = this.consumer.lease();
    const injected: Injected = injectNotices(history, lease.notices);
    return { messages: injected.messages, notices: lease.notices, placement: injected.placement, lease };
  }

  /** The request succeeded: the notices are delivered; returns the history to keep. */
  async commit(prepared: PreparedRequest): Promise<MessageParam[]> {
    await this.consumer.ack(prepared.lease);
    return prepared.messages;
  }

  /** The request failed: the notices go back to ride the next request. */
  async abandon(prepared: PreparedRequest): Promise<void> {
    await this.consumer.release(prepared.lease);
  }

  /**
   * Waits until a notice is pending (then `coalesceMs` more, so simultaneous endings travel
   * together) or `timeoutMs` passes. Rejects with {@link AbortedError} when `signal` aborts.
   */
  async waitForWake(timeoutMs: number, signal?: AbortSignal): Promise<WakeReason> {
    if (signal?.aborted) throw new AbortedError();
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reason = await Promise.race([
        this.consumer.ready(stop.signal).then(() => 'notice' as const),
        this.#clock.sleep(timeoutMs, stop.signal).then(() => 'timeout' as const),
      ]);
      if (reason === 'notice') await this.#clock.sleep(this.coalesceMs, stop.signal);
      return reason;
    } catch (error) {
      if (signal?.aborted) throw new AbortedError();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
  }
}
