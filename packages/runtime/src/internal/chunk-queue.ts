/** A push-to-pull adapter: producers push chunks, one consumer iterates them. */
export class ChunkQueue implements AsyncIterable<Uint8Array> {
  #chunks: Uint8Array[] = [];
  #ended = false;
  #wake: (() => void) | undefined;
  /** Runtime clock reading of the last push, for idle detection. */
  lastPushAt = 0;

  push(chunk: Uint8Array, at: number): void {
    if (this.#ended || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.lastPushAt = at;
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  get ended(): boolean {
    return this.#ended;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const chunk = this.#chunks.shift();
      if (chunk) {
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
    const check = (): void => {
      const now = performance.now();
      const late = now - expectedAt > policy.idleMs;
      const lastPush = Math.max(...queues.map((q) => q.lastPushAt));
      if (lastPush > quietSince) quietSince = lastPush;
      const allEnded = queues.every((q) => q.ended);
      const idle = !late && now - quietSince >= policy.idleMs;
      if (!late) drainedMs += policy.idleMs;
      // However slow the host, a leftover writing forever cannot hold the job open past 10 x maxMs.
      if (allEnded || idle || drainedMs >= policy.maxMs || now - exitAt >= 10 * policy.maxMs) {
        close();
        for (const q of queues) q.end();
        return;
      }
      if (late) quietSince = now;
      expectedAt = now + policy.idleMs;
      setTimeout(check, policy.idleMs);
    };
    check();
  });
}
