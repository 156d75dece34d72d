/**
 * Deadlines of many items behind one timer: the earliest. A job's timeout used to be a timer of
 * its own (an AbortController, a promise, a listener, and an AbortedError when the job ended first,
 * as nearly every job does); here adding and removing a deadline is a heap operation, and the one
 * timer is re-armed only when an earlier deadline arrives, when it fires, or when the last
 * deadline goes (so that no timer keeps an idle host alive).
 */

/** A deadline in a {@link Deadlines}; pass it to {@link Deadlines.remove}. */
export interface Deadline<T> {
  readonly at: number;
  readonly item: T;
  /** Order of adding: deadlines due at the same time come due in the order they were added. */
  readonly seq: number;
  /** Position in the heap; -1 once removed or due. */
  index: number;
}

/** The clock and timer a {@link Deadlines} uses (a `Runtime` has both). */
export interface DeadlineClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Deadlines kept in a binary min-heap, by time then by order of adding. */
export class Deadlines<T> {
  readonly #clock: DeadlineClock;
  readonly #onDue: (item: T) => void;
  #heap: Deadline<T>[] = [];
  #seq = 0;
  /** The armed timer: when it fires, and how to cancel it. */
  #armed: { at: number; stop: AbortController } | undefined;

  /** `onDue` is called once per deadline that comes due, in deadline order. */
  constructor(clock: DeadlineClock, onDue: (item: T) => void) {
    this.#clock = clock;
    this.#onDue = onDue;
  }

  /** Number of pending deadlines. */
  get size(): number {
    return this.#heap.length;
  }

  /** Calls `onDue(item)` at clock time `at` unless removed before. */
  add(at: number, item: T): Deadline<T> {
    const deadline: Deadline<T> = { at, item, seq: this.#seq++, index: this.#heap.length };
    this.#heap.push(deadline);
    this.#up(deadline.index);
    if (this.#armed === undefined || at < this.#armed.at) this.#arm();
    return deadline;
  }

  /** Forgets `deadline` (nothing happens if it already came due or was removed). */
  remove(deadline: Deadline<T>): void {
    const at = deadline.index;
    if (at < 0) return;
    deadline.index = -1;
    const last = this.#heap.pop() as Deadline<T>;
    if (last !== deadline) {
      this.#heap[at] = last;
      last.index = at;
      this.#down(at);
      this.#up(last.index);
    }
    // An earlier timer than needed only wakes once for nothing; none at all must keep nothing alive.
    if (this.#heap.length === 0) this.#disarm();
  }

  #arm(): void {
    this.#disarm();
    const first = this.#heap[0];
    if (first === undefined) return;
    const armed = { at: first.at, stop: new AbortController() };
    this.#armed = armed;
    this.#clock.sleep(Math.max(0, first.at - this.#clock.now()), armed.stop.signal).then(
      () => {
        if (this.#armed === armed) this.#fire();
      },
      () => {},
    );
  }

  #disarm(): void {
    this.#armed?.stop.abort();
    this.#armed = undefined;
  }

  #fire(): void {
    this.#armed = undefined;
    const now = this.#clock.now();
    for (;;) {
      const first = this.#heap[0];
      if (first === undefined || first.at > now) break;
      this.remove(first);
      this.#onDue(first.item);
    }
    if (this.#armed === undefined) this.#arm();
  }

  #before(a: Deadline<T>, b: Deadline<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #swap(i: number, j: number): void {
    const a = this.#heap[i] as Deadline<T>;
    const b = this.#heap[j] as Deadline<T>;
    this.#heap[i] = b;
    this.#heap[j] = a;
    b.index = i;
    a.index = j;
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(this.#heap[i] as Deadline<T>, this.#heap[parent] as Deadline<T>)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#heap.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < n && this.#before(this.#heap[left] as Deadline<T>, this.#heap[least] as Deadline<T>)) least = left;
      if (right < n && this.#before(this.#heap[right] as Deadline<T>, this.#heap[least] as Deadline<T>)) least = right;
      if (least === i) return;
      this.#swap(i, least);
      i = least;
    }
  }
}
