import { describe, expect, it } from 'vitest';
import { ChunkQueue, closeAfterExit, QUEUE_HIGH_WATER_BYTES } from './chunk-queue.ts';

describe('closeAfterExit', () => {
  it('closes as soon as the last pipe ends after the exit, without waiting for an idle check', async () => {
    const out = new ChunkQueue();
    const err = new ChunkQueue();
    let closed = 0;
    const exited = Promise.resolve();
    // A long idle period: only the end of the pipes can close it before a timer fires.
    closeAfterExit(exited, [out, err], () => closed++, { idleMs: 60_000, maxMs: 120_000 });
    await exited;
    await Promise.resolve();
    out.push(new Uint8Array([1]), performance.now());
    out.end();
    expect(closed).toBe(0);
    err.end();
    expect(closed).toBe(1);
    err.end();
    expect(closed).toBe(1);
  });

  it('calls every whenEnded listener once, and at once when already ended', () => {
    const q = new ChunkQueue();
    const calls: string[] = [];
    q.whenEnded(() => calls.push('a'));
    q.whenEnded(() => calls.push('b'));
    q.end();
    q.end();
    q.whenEnded(() => calls.push('c'));
    expect(calls).toEqual(['a', 'b', 'c']);
  });
});

describe('ChunkQueue backpressure', () => {
  it('says full at the high-water mark and resolves whenDrained once the consumer has read it down', async () => {
    const q = new ChunkQueue();
    const chunk = new Uint8Array(64 * 1024);
    let pushes = 0;
    while (q.push(chunk, 0)) pushes++;
    expect((pushes + 1) * chunk.length).toBeGreaterThanOrEqual(QUEUE_HIGH_WATER_BYTES);
    expect(q.full).toBe(true);
    let drained = false;
    const waiting = q.whenDrained().then(() => {
      drained = true;
    });
    const it = q[Symbol.asyncIterator]();
    await it.next();
    await Promise.resolve();
    expect(drained).toBe(false);
    while (q.full || !drained) {
      await it.next();
      await Promise.resolve();
    }
    await waiting;
    expect(q.full).toBe(false);
  });

  it('releases a waiting producer when the queue ends', async () => {
    const q = new ChunkQueue();
    while (q.push(new Uint8Array(256 * 1024), 0));
    const waiting = q.whenDrained();
    q.end();
    await waiting;
    expect(q.full).toBe(false);
  });
});
