/**
 * The virtual clock: time that jumps straight to the next timer once every queued promise
 * reaction has run, so a 5-minute wait costs microseconds and the same inputs always give the
 * same timeline. The virtual runtime (`virtual.ts`) runs on it.
 */
import { AbortedError, checkDuration } from '@bgtasks/core';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** Clock reading at start, in ms. Default 0. */
  startMs?: number;
  /**
   * Advance by itself: whenever the host's event loop comes round (all promise reactions have
   * run), jump to the earliest timer. Default true. With false, call {@link VirtualClock.advance}.
   */
  autoAdvance?: boolean;
  /**
   * Host event-loop turns the clock waits, with nothing new scheduled, before it jumps. More
   * turns let work that hops through real macrotasks (streams, I/O) finish first. Default 2.
   */
  idleTurns?: number;
  /**
   * How the clock waits for a host event-loop turn. `timeout` (default): `setTimeout(0)`, which
   * hosts clamp to about 1 ms, so virtual time advances at most about one timer per 2 ms of real
   * time, and code that waits in real time meanwhile (an SDK's retry backoff) sees a bounded
   * stretch of virtual time pass. `immediate`: `setImmediate`, no clamp: many times faster when
   * everything waits on this clock (a benchmark in virtual time), but virtual time then races
   * ahead of any real-time wait.
   */
  idleTurn?: 'timeout' | 'immediate';
}

/** A monotonic clock in virtual milliseconds with timers ordered by (time, creation). */
export class VirtualClock {
  #now: number;
  #timers: Timer[] = [];
  #seq = 0;
  #tickScheduled = false;
  #holds = 0;
  #idleTurnsLeft = 0;
  readonly autoAdvance: boolean;
  readonly idleTurns: number;
  readonly idleTurn: 'timeout' | 'immediate';

  constructor(options: VirtualClockOptions = {}) {
    this.#now = options.startMs ?? 0;
    this.autoAdvance = options.autoAdvance ?? true;
    this.idleTurns = Math.max(1, Math.floor(options.idleTurns ?? 2));
    this.idleTurn = options.idleTurn ?? 'timeout';
  }

  /**
   * Stops the clock from advancing by itself until the returned function is called: for work in
   * virtual time that waits on real I/O and must not see time pass meanwhile.
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      this.#schedule();
    };
  }

  now(): number {
    return this.#now;
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Calls `fire` when the clock reaches now + `ms`; returns a cancel function. */
  setTimer(ms: number, fire: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fire };
    // Keep sorted by (at, seq); insertion from the back is cheap for the common increasing case.
    let i = this.#timers.length;
    while (i > 0) {
      const prev = this.#timers[i - 1];
      if (prev && (prev.at < timer.at || (prev.at === timer.at && prev.seq < timer.seq))) break;
      i--;
    }
    this.#timers.splice(i, 0, timer);
    this.#idleTurnsLeft = this.idleTurns;
    this.#schedule();
    return () => {
      const at = this.#timers.indexOf(timer);
      if (at >= 0) this.#timers.splice(at, 1);
    };
  }

  /** Resolves when the clock reaches now + `ms`; `Infinity` waits until `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      checkDuration('sleep ms', ms, { zero: true, infinite: true });
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(new AbortedError());
    if (ms === Number.POSITIVE_INFINITY) {
      // No timer: the clock must never jump to Infinity.
      return new Promise((_, reject) => {
        signal?.addEventListener('abort', () => reject(new AbortedError()), { once: true });
      });
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        cancel();
        reject(new AbortedError());
      };
      const cancel = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Fires the earliest timer, moving the clock to its time; false when none is left. */
  step(): boolean {
    const timer = this.#timers.shift();
    if (!timer) return false;
    this.#now = Math.max(this.#now, timer.at);
    timer.fire();
    return true;
  }

  /** Moves the clock forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      const first = this.#timers[0];
      if (!first || first.at > target) break;
      this.step();
      await settle();
    }
    this.#now = Math.max(this.#now, target);
  }

  #schedule(): void {
    if (!this.autoAdvance || this.#tickScheduled || this.#holds > 0 || this.#timers.length === 0) return;
    this.#tickScheduled = true;
    const tick = (): void => {
      this.#tickScheduled = false;
      if (this.#holds > 0) return;
      if (this.#idleTurnsLeft > 1) {
        this.#idleTurnsLeft--;
      } else {
        this.#idleTurnsLeft = this.idleTurns;
        this.step();
      }
      this.#schedule();
    };
    if (this.idleTurn === 'immediate') setImmediate(tick);
    else setTimeout(tick, 0);
  }
}

/** Lets every queued promise reaction run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
