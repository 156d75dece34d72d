import type { ChunkQueue } from './chunk-queue.ts';

/** Reads `stream` into `queue` until it ends; returns a function that stops reading now. */
export function pumpReadable(stream: ReadableStream<Uint8Array>, queue: ChunkQueue): () => void {
  const reader = stream.getReader();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        queue.push(value, performance.now());
      }
    } catch {
      // cancelled or broken pipe: nothing more to read
    } finally {
      queue.end();
    }
  })();
  return () => {
    reader.cancel().catch(() => {});
  };
}
