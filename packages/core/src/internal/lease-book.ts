/**
 * The leases of one notice consumer, for both backends: what was handed out under which lease
 * id, until the lease is acked or released (exactly once, by the consumer that took it).
 */
import { LeaseError } from '../errors.ts';
import type { Notice } from '../job.ts';
import type { Lease } from '../notification-bus.ts';

/** Leased items (`T`: a notice, or a notice with its stream id) by lease id. */
export class LeaseBook<T> {
  readonly #consumer: string;
  readonly #leases = new Map<number, T[]>();
  #nextId = 1;

  constructor(consumer: string) {
    this.#consumer = consumer;
  }

  /** Number of items leased and not yet settled. */
  get count(): number {
    let n = 0;
    for (const items of this.#leases.values()) n += items.length;
    return n;
  }

  /** A new lease of `items`, showing `notices` (theirs) to the caller. */
  open(items: T[], notices: readonly Notice[]): Lease {
    const id = this.#nextId++;
    this.#leases.set(id, items);
    return { id, consumer: this.#consumer, notices };
  }

  /** The items of `lease`, which is settled by this; a {@link LeaseError} when it is not this consumer's or was settled. */
  settle(lease: Lease): T[] {
    if (lease.consumer !== this.#consumer) {
      throw new LeaseError(`lease ${lease.id} belongs to consumer "${lease.consumer}", not "${this.#consumer}"`);
    }
    const items = this.#leases.get(lease.id);
    if (!items) throw new LeaseError(`lease ${lease.id} of consumer "${this.#consumer}" was already acked or released`);
    this.#leases.delete(lease.id);
    return items;
  }
}
