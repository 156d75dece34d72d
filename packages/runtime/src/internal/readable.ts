import type { Child, ChildStdin, ExitStatus, KillSignal } from '@bgtasks/core';
import { ChunkQueue, closeAfterExit } from './chunk-queue.ts';

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

/**
 * A {@link Child} over web streams (Bun, Deno): output ends soon after `exited`, even when a
 * grandchild keeps the pipes open.
 */
export function childFromWebStreams(
  pid: number,
  streams: { stdout: ReadableStream<Uint8Array>; stderr: ReadableStream<Uint8Array> },
  exited: Promise<ExitStatus>,
  control: { kill: (signal: KillSignal) => void; alive: () => boolean; stdin?: ChildStdin },
): Child {
  const stdout = new ChunkQueue();
  const stderr = new ChunkQueue();
  const readers = [pumpReadable(streams.stdout, stdout), pumpReadable(streams.stderr, stderr)];
  closeAfterExit(exited, [stdout, stderr], () => {
    for (const cancel of readers) cancel();
  });
  const child: Child = { pid, stdout, stderr, exited, kill: control.kill, alive: control.alive };
  return control.stdin ? { ...child, stdin: control.stdin } : child;
}

/** The {@link Child} of a process that could not be started: no output, exited with `error`. */
export function failedChild(error: unknown): Child {
  const empty = new ChunkQueue();
  empty.end();
  return {
    pid: -1,
    stdout: empty,
    stderr: empty,
    exited: Promise.resolve({ code: null, signal: null, error: error instanceof Error ? error.message : String(error) }),
    kill() {},
    alive: () => false,
  };
}
