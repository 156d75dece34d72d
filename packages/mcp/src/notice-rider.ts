/**
 * Notices for MCP clients without Tasks: every tool result of a session carries the
 * `<bg_notice>` blocks of jobs that ended since the last result it received, each exactly once
 * (the inject strategy, over MCP). A notice is leased when a result is built and acked when the
 * result is handed to the SDK to send; when the request was cancelled meanwhile (the SDK sends
 * nothing then) it is released and rides the next result instead.
 */
import { formatNotices, isFinalNotice, type Lease, type NoticeConsumer } from '@bgtasks/core';

/** The extra text a result carries, and how to settle it once the result is sent (or not). */
export interface Ride {
  /** The notices block to append as one more text content item, or undefined. */
  readonly text: string | undefined;
  /** The result goes out: the notices count as delivered. */
  ack(): Promise<void>;
  /** The result does not go out: the notices ride the next one. */
  release(): Promise<void>;
}

const NOTHING: Ride = { text: undefined, ack: async () => {}, release: async () => {} };

/** Hands each ended job's notice to exactly one tool result of one session. */
export class NoticeRider {
  readonly #consumer: NoticeConsumer;
  /** Jobs whose end is told some other way (their task's result): never injected. */
  readonly #silenced = new Set<string>();

  constructor(consumer: NoticeConsumer) {
    this.#consumer = consumer;
  }

  /** Job `id` reports through its task; its notice never rides a tool result. */
  silence(id: string): void {
    this.#silenced.add(id);
  }

  /**
   * Leases every pending notice; those of jobs in `shown` (the result itself shows their end,
   * e.g. `bg_wait`) and of silenced jobs are delivered without being repeated.
   */
  take(shown: readonly string[] = []): Ride {
    if (this.#consumer.pending().length === 0) return NOTHING;
    const lease: Lease = this.#consumer.lease();
    const skip = new Set([...shown, ...this.#silenced]);
    // A job whose end the result shows still gets its earlier ready/progress/input notices.
    const riding = lease.notices.filter((n) => !(skip.has(n.jobId) && (isFinalNotice(n) || this.#silenced.has(n.jobId))));
    return {
      text: riding.length > 0 ? formatNotices(riding) : undefined,
      ack: async () => {
        await this.#consumer.ack(lease);
      },
      release: async () => {
        await this.#consumer.release(lease);
      },
    };
  }
}
