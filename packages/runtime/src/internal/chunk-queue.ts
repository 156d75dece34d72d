/**
 * Bytes a queue holds before its producer should stop reading the pipe: a consumer slower than the
 * job (full logs written to a slow disk) must not make the host buffer the job's output in memory.
 */
export const QUEUE_HIGH_WATER_BYTES = 1 << 20;

/**
 * A push-to-pull adapter: producers push chunks, one consumer iterates them. `push` says when the
 * queue is full; the producer then waits for {@link whenDrained} before reading more (backpressure).
 */
export class ChunkQueue implements AsyncIterable<Uint8Array> {
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #ended = false;
  #wake: (() => void) | undefined;
  #onEnd: (() => void)[] = [];
  #onDrain: (() => void)[] = [];
  /** Runtime clock reading of the last push, for idle detection. */
  lastPushAt = 0;

  /** Queues `chunk`; false when the queue is full and the producer should pause. */
  push(chunk: Uint8Array, at: number): boolean {
    if (this.#ended || chunk.length === 0) return true;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    this.lastPushAt = at;
    this.#wake?.();
    return this.#bytes < QUEUE_HIGH_WATER_BYTES;
  }

  /** True while the queue is full: its producer is paused, so a quiet pipe is not an idle job. */
  get full(): boolean {
    return !this.#ended && this.#bytes >= QUEUE_HIGH_WATER_BYTES;
  }

  /** Resolves once the queue has room again (or has ended). */
  whenDrained(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.#onDrain.push(resolve));
  }

  #drained(): void {
    const waiters = this.#onDrain;
    this.#onDrain = [];
    for (const fn of waiters) fn();
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#drained();
    this.#wake?.();
    const listeners = this.#onEnd;
    this.#onEnd = [];
    for (const fn of listeners) fn();
  }

  /** Calls `fn` once when the queue ends (at once if it has). */
  whenEnded(fn: () => void): void {
    if (this.#ended) fn();
    else this.#onEnd.push(fn);
  }

  get ended(): boolean {
    return this.#ended;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = this.#chunks.shift();
      if (chunk) {
        this.#bytes -= chunk.length;
        if (this.#onDrain.length > 0 && this.#bytes < QUEUE_HIGH_WATER_BYTES / 2) this.#drained();
        yield chunk;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}

/** How long output keeps flowing after the main process exits. */
export interface DrainPolicy {
  /** End once no output arrived for this long after exit. */
  idleMs: number;
  /**
   * End at the latest this long after exit (counting only time the host's event loop was
   * responsive; 10 x this in any case), even if a leftover process keeps writing.
   */
  maxMs: number;
}

export const DEFAULT_DRAIN: DrainPolicy = { idleMs: 25, maxMs: 500 };

/**
 * After `exited`, waits until both queues went idle (or `maxMs` passed), then calls `close`.
 * This is what makes a job end when its process exits, not when a grandchild closes the pipe.
 */
export function closeAfterExit(
  exited: Promise<unknown>,
  queues: readonly ChunkQueue[],
  close: () => void,
  policy: DrainPolicy = DEFAULT_DRAIN,
): void {
  void exited.then(() => {
    // Time counts only in checks that ran on time: when the host's event loop was blocked, the
    // timer fires before the output that arrived meanwhile is delivered, and a late check would
    // see "idle" and cut the output short. A late check just looks again.
    const exitAt = performance.now();
    let drainedMs = 0;
    let quietSince = Math.max(performance.now(), ...queues.map((q) => q.lastPushAt));
    let expectedAt = performance.now();
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (): void => {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      close();
      for (const q of queues) q.end();
    };
    const check = (): void => {
      timer = undefined;
      if (closed) return;
      const now = performance.now();
      const late = now - expectedAt > policy.idleMs;
      const lastPush = Math.max(...queues.map((q) => q.lastPushAt));
      if (lastPush > quietSince) quietSince = lastPush;
      // A paused producer (its queue full) is not a quiet job: wait for the consumer to catch up
      // (within the hard cap below).
      const paused = queues.some((q) => q.full);
      if (paused) quietSince = now;
      const allEnded = queues.every((q) => q.ended);
      const idle = !late && now - quietSince >= policy.idleMs;
      if (!late && !paused) drainedMs += policy.idleMs;
      // However slow the host, a leftover writing forever cannot hold the job open past 10 x maxMs.
      if (allEnded || idle || drainedMs >= policy.maxMs || now - exitAt >= 10 * policy.maxMs) {
        finish();
        return;
      }
      if (late) quietSince = now;
      expectedAt = now + policy.idleMs;
      timer = setTimeout(check, policy.idleMs);
    };
    // The usual case: the pipes close just after the exit. End then, not at the next idle check.
    for (const q of queues) {
      q.whenEnded(() => {
        if (queues.every((x) => x.ended)) finish();
      });
    }
    check();
  });
}
