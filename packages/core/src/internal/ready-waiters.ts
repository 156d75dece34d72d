/**
 * The waiting side of a notice consumer, shared by both backends: callers of `ready()` parked
 * until a notice is pending or the consumer closes, and `next()` on top of it.
 */
import { AbortedError } from '../errors.ts';
import type { Notice } from '../job.ts';
import type { Lease } from '../notification-bus.ts';

/** Callers of a consumer's `ready()`, woken by {@link wake} when notices arrive or it closes. */
export class ReadyWaiters {
  readonly #waiters = new Set<() => void>();
  readonly #pending: () => boolean;
  readonly #closed: () => boolean;
  readonly #closedMessage: string;

  /** `pending()`: a notice is waiting; `closed()`: the consumer's bus is closed (`closedMessage` says so). */
  constructor(pending: () => boolean, closed: () => boolean, closedMessage: string) {
    this.#pending = pending;
    this.#closed = closed;
    this.#closedMessage = closedMessage;
  }

  /**
   * Resolves once a notice is pending (at once if one is); rejects with {@link AbortedError}
   * when the bus is closed with nothing pending, or when `signal` aborts.
   */
  ready(signal?: AbortSignal): Promise<void> {
    if (this.#pending()) return Promise.resolve();
    if (this.#closed()) return Promise.reject(new AbortedError(this.#closedMessage));
    if (signal?.aborted) return Promise.reject(new AbortedError());
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        if (this.#closed() && !this.#pending()) reject(new AbortedError(this.#closedMessage));
        else resolve();
      };
      const onAbort = (): void => {
        this.#waiters.delete(done);
        reject(new AbortedError());
      };
      this.#waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wakes every waiting caller (each looks again). */
  wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}

/** What {@link nextNotice} needs of a consumer. */
export interface LeasingConsumer {
  ready(signal?: AbortSignal): Promise<void>;
  lease(max?: number): Lease;
  ack(lease: Lease): void | Promise<void>;
}

/** A consumer's `next()`: awaits a pending notice, takes it under a lease of one and acks it. */
export async function nextNotice(consumer: LeasingConsumer, signal?: AbortSignal): Promise<Notice> {
  for (;;) {
    await consumer.ready(signal);
    const lease = consumer.lease(1);
    const notice = lease.notices[0];
    const acked = consumer.ack(lease);
    // A synchronous ack is not awaited: the notice is handed over in the same turn.
    if (acked) await acked;
    if (notice) return notice;
  }
}
