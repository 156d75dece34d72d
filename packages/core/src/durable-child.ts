/**
 * A durable job seen as a {@link Child}: its output is the job's log file, read as it grows
 * (the host tails the file instead of reading pipes), and its end is what the supervisor wrote
 * to the exit file. The same shape serves a job this host spawned and one it reattached to.
 */
import type { DurableProcesses, DurableStore } from './durable-store.ts';
import type { Child, ExitStatus, Runtime } from './runtime.ts';

/** Bytes read from the log per step. */
const READ_CHUNK_BYTES = 64 * 1024;
/** First and longest pause between looks at a quiet log. */
const TAIL_MIN_MS = 5;
const TAIL_MAX_MS = 100;
/** How often a reattached job's exit file and processes are looked at. */
const EXIT_POLL_MS = 100;

/** Options of {@link durableChild}. */
export interface DurableChildOptions {
  runtime: Runtime;
  store: DurableStore;
  jobId: string;
  pid: number;
  /** Signals and finds the job's processes. */
  processes: DurableProcesses;
  /** The supervisor as this host spawned it: its exit is the job's. Absent when reattached. */
  spawned?: Child;
  /** Log offset to read from (0: all of it). */
  fromOffset?: number;
  /**
   * Registers `fn` to run when the host detaches (closes without killing): reading and polling
   * stop. Returns a function that unregisters it.
   */
  onDetach(fn: () => void): () => void;
}

const EMPTY: AsyncIterable<Uint8Array> = {
  async *[Symbol.asyncIterator]() {
    // a durable job's stderr is in its log, interleaved with stdout as written
  },
};

/**
 * The end of a job whose supervisor is gone: what the exit file says, or `lost` when nobody
 * wrote one (the supervisor was SIGKILLed).
 */
function endOf(store: DurableStore, jobId: string, fallback?: ExitStatus): ExitStatus {
  const exit = store.readExit(jobId);
  if (exit) return { code: exit.exitCode, signal: exit.signal, ...(exit.killed ? { killed: true } : {}) };
  if (fallback?.error !== undefined) return fallback;
  return { code: null, signal: fallback?.signal ?? null, lost: true };
}

/** Polls a reattached job until its exit file appears or none of its processes is left. */
async function pollExit(o: DurableChildOptions, detached: AbortSignal): Promise<ExitStatus> {
  for (;;) {
    if (o.store.readExit(o.jobId)) return endOf(o.store, o.jobId);
    if (!o.processes.alive()) return endOf(o.store, o.jobId);
    try {
      await o.runtime.sleep(EXIT_POLL_MS, detached);
    } catch {
      // Detached (the host closed): the job runs on, and this host no longer says how it ends.
      return new Promise<ExitStatus>(() => {});
    }
  }
}

/**
 * @example
 * const child = durableChild({ runtime, store, jobId, pid, processes, spawned, onDetach });
 * for await (const chunk of child.stdout) buffer.append(chunk);
 */
export function durableChild(o: DurableChildOptions): Child {
  if (o.spawned) {
    // The supervisor wrote everything to the log; its own pipes close at once. Drain them.
    for (const s of [o.spawned.stdout, o.spawned.stderr])
      void (async () => {
        for await (const _ of s);
      })().catch(() => {});
  }
  const spawned = o.spawned;
  // One listener per job on the host's detach, whatever the number of reads and polls.
  const detached = new AbortController();
  /** Pauses of the reader, cut short when the job ends or the host detaches. */
  const wakers = new Set<AbortController>();
  const offDetach = o.onDetach(() => {
    detached.abort();
    for (const w of wakers) w.abort();
  });
  const exited: Promise<ExitStatus> = spawned
    ? spawned.exited.then((status) => endOf(o.store, o.jobId, status))
    : pollExit(o, detached.signal);
  let ended = false;
  void exited.then(
    () => {
      ended = true;
      offDetach();
      for (const w of wakers) w.abort();
    },
    () => {},
  );
  const stdout: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      let offset = o.fromOffset ?? 0;
      let pause = TAIL_MIN_MS;
      for (;;) {
        // Whether the job had ended is read before the file: a read that then finds nothing
        // new has seen the whole log.
        const wasEnded = ended;
        const bytes = o.store.readLog(o.jobId, offset, READ_CHUNK_BYTES);
        if (bytes.length > 0) {
          offset += bytes.length;
          pause = TAIL_MIN_MS;
          yield bytes;
          continue;
        }
        if (wasEnded || detached.signal.aborted) return;
        const wake = new AbortController();
        wakers.add(wake);
        if (ended) wake.abort();
        await o.runtime.sleep(pause, wake.signal).catch(() => {});
        wakers.delete(wake);
        pause = Math.min(pause * 2, TAIL_MAX_MS);
      }
    },
  };
  return {
    pid: o.pid,
    stdout,
    stderr: EMPTY,
    exited,
    kill: (signal) => o.processes.kill(signal),
    alive: () => o.processes.alive(),
    ...(spawned?.detach ? { detach: () => spawned.detach?.() } : {}),
  };
}
