/**
 * Retention: which ended jobs are kept (at most `retainJobs`, for at most `retainMs`, and never
 * before every consumer has been handed their notice), and which ids were dropped, so that
 * `get` can say "dropped" rather than "unknown".
 */
import type { Entry } from './job-entry.ts';

/** Ids of dropped jobs remembered (to say "dropped" rather than "unknown"). */
const DROPPED_IDS_KEPT = 10_000;

/** The ended jobs of one executor, in the order they ended, and the ids it dropped. */
export class Retention {
  readonly retainJobs: number;
  readonly retainMs: number;
  /** Ended jobs in the order they ended: candidates for dropping. */
  #ended: Entry[] = [];
  /** Ids of dropped jobs, oldest first, at most {@link DROPPED_IDS_KEPT}. */
  readonly #dropped = new Set<string>();
  readonly #holds: (id: string) => boolean;
  readonly #drop: (entry: Entry) => void;

  /**
   * `holds(id)`: some consumer has not been handed job `id`'s notice, or has leased and not
   * acked it. `drop(entry)` forgets an ended job (its output, log and notice).
   */
  constructor(retainJobs: number, retainMs: number, holds: (id: string) => boolean, drop: (entry: Entry) => void) {
    this.retainJobs = retainJobs;
    this.retainMs = retainMs;
    this.#holds = holds;
    this.#drop = drop;
  }

  /** Records that `entry` has ended. */
  ended(entry: Entry): void {
    this.#ended.push(entry);
  }

  /** True when job `id` was dropped (and is remembered as such). */
  wasDropped(id: string): boolean {
    return this.#dropped.has(id);
  }

  /** A new job took the id `id`: it is no longer a dropped one. */
  reused(id: string): void {
    this.#dropped.delete(id);
  }

  /** The policy, as a job-dropped error states it. */
  get policy(): string {
    return `retainJobs ${this.retainJobs}, retainMs ${this.retainMs}`;
  }

  /**
   * Drops ended jobs beyond `retainJobs` or older than `retainMs`, oldest first; a job some
   * consumer still holds is kept until it is not, and so are the jobs that ended after it.
   */
  prune(now: number): void {
    let toDrop = this.#ended.length - this.retainJobs;
    // Ended jobs are in end order and consumers are handed notices in that order: only the front
    // can go, and the walk stops at the first job that is neither over the count nor too old, or
    // that some consumer still holds (the jobs after it wait for it). A long-lived host pays per
    // dropped job, not per kept one, however far a consumer lags behind.
    let i = 0;
    for (; i < this.#ended.length; i++) {
      const e = this.#ended[i] as Entry;
      const old = now - (e.endedAt ?? now) >= this.retainMs;
      if ((toDrop <= 0 && !old) || this.#holds(e.id)) break;
      this.#drop(e);
      this.#remember(e.id);
      toDrop--;
    }
    if (i > 0) this.#ended.splice(0, i);
  }

  #remember(id: string): void {
    this.#dropped.add(id);
    if (this.#dropped.size > DROPPED_IDS_KEPT) {
      const first = this.#dropped.values().next();
      if (!first.done) this.#dropped.delete(first.value);
    }
  }
}
