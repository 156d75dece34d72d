import { describe, expect, it } from 'vitest';
import { ChunkQueue, closeAfterExit } from './chunk-queue.ts';

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
