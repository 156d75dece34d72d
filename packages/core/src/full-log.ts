/**
 * Full logs on disk: every byte of a job's output in a file of the state directory, written in
 * order without holding more than a bounded amount in memory, capped per job and in total,
 * removed after a TTL (or at `close()`), and read back by offset.
 */

import type { Entry } from './internal/job-entry.ts';
import { alignEnd, decodeUtf8 } from './internal/utf8.ts';
import { DEFAULT_READ_LIMIT_BYTES, type OutputSlice, type ReadOptions } from './output-buffer.ts';
import type { FileSink, Runtime } from './runtime.ts';

/** Where and how much full output is kept on disk (see {@link ExecutorOptions.logs}). */
export interface LogOptions {
  /** The state directory log files go in (created owner-only). */
  dir: string;
  /** Log every job, not only those whose spec says `log: true`. Default false. */
  all?: boolean;
  /** Most bytes written per job; output past it is only in memory (head and tail). Default 256 MiB. */
  maxBytesPerJob?: number;
  /** Most bytes across every job's log file this executor keeps. Default 1 GiB. */
  maxTotalBytes?: number;
  /** How long a log file is kept after its job ended (and at most until `close()`). Default 24 hours. */
  ttlMs?: number;
}

/** Default of {@link LogOptions.maxBytesPerJob}: 256 MiB. */
export const DEFAULT_LOG_MAX_BYTES = 256 * 1024 * 1024;
/** Default of {@link LogOptions.maxTotalBytes}: 1 GiB. */
export const DEFAULT_LOG_TOTAL_BYTES = 1024 * 1024 * 1024;
/** Default of {@link LogOptions.ttlMs}: 24 hours. */
export const DEFAULT_LOG_TTL_MS = 24 * 60 * 60_000;
/** Bytes a log writer may hold in memory before the reader waits for the disk. */
export const LOG_HIGH_WATER_BYTES = 4 * 1024 * 1024;

/**
 * Writes a job's output to its log file in order, asynchronously, holding at most about
 * {@link LOG_HIGH_WATER_BYTES} in memory (the reader awaits {@link drained} past that); stops
 * at `capBytes` (the rest is only in the in-memory head/tail).
 */
export class LogWriter {
  readonly path: string;
  /** Bytes accepted for the file (written or queued). */
  accepted = 0;
  /** Bytes known to be in the file: reads below this offset come from it. */
  flushed = 0;
  /** True once the cap cut the file short. */
  capped = false;
  /** Set when the file could not be written; reads then fall back to memory. */
  failed: string | undefined;
  readonly #sink: Promise<FileSink>;
  readonly #take: (bytes: number) => number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #pump: Promise<void> | undefined;
  #waiters: Array<() => void> = [];

  /** `take(n)` returns how many of `n` bytes the caps still allow (and counts them). */
  constructor(path: string, sink: Promise<FileSink>, take: (bytes: number) => number) {
    this.path = path;
    this.#sink = sink;
    this.#take = take;
    sink.catch((error: unknown) => {
      this.failed = error instanceof Error ? error.message : String(error);
    });
  }

  /** Queues `chunk`; true when the reader should await {@link drained} before the next one. */
  append(chunk: Uint8Array): boolean {
    if (this.capped || this.failed !== undefined) return false;
    const allowed = this.#take(chunk.length);
    if (allowed < chunk.length) this.capped = true;
    if (allowed === 0) return false;
    const part = allowed === chunk.length ? chunk : chunk.subarray(0, allowed);
    this.#pending.push(part);
    this.#pendingBytes += part.length;
    this.accepted += part.length;
    this.#pump ??= this.#run();
    return this.#pendingBytes >= LOG_HIGH_WATER_BYTES;
  }

  /** Resolves once what is queued is below the high-water mark. */
  drained(): Promise<void> {
    if (this.#pendingBytes < LOG_HIGH_WATER_BYTES) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    await this.#pump;
    try {
      await (await this.#sink).close();
    } catch {
      // nothing more to write; a failure was recorded when it happened
    }
  }

  async #run(): Promise<void> {
    try {
      const sink = await this.#sink;
      for (;;) {
        const chunks = this.#pending;
        if (chunks.length === 0) break;
        this.#pending = [];
        const size = chunks.reduce((n, c) => n + c.length, 0);
        const joined = chunks.length === 1 ? (chunks[0] as Uint8Array) : concat(chunks, size);
        await sink.write(joined);
        this.flushed += size;
        this.#pendingBytes -= size;
        if (this.#pendingBytes < LOG_HIGH_WATER_BYTES) for (const w of this.#waiters.splice(0)) w();
      }
    } catch (error) {
      this.failed = error instanceof Error ? error.message : String(error);
      this.#pending = [];
      this.#pendingBytes = 0;
    } finally {
      this.#pump = undefined;
      for (const w of this.#waiters.splice(0)) w();
    }
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The full logs of one executor: which jobs have one, the bytes they hold, their TTL timers. */
export class FullLogs {
  readonly #runtime: Runtime;
  readonly #options: LogOptions | undefined;
  /** Bytes in (or queued for) every log file still kept. */
  #total = 0;
  /** Aborts log-TTL timers on close. */
  readonly #timers = new AbortController();

  constructor(runtime: Runtime, options: LogOptions | undefined) {
    this.#runtime = runtime;
    this.#options = options;
  }

  /** True when every job is logged, not only those whose spec says `log: true`. */
  get all(): boolean {
    return this.#options?.all === true;
  }

  /** Why a job that wants a log cannot have one here; undefined when it can. */
  unavailable(): string | undefined {
    if (!this.#options) return 'log: true needs a log directory: pass logs: { dir } to the executor';
    if (!this.#runtime.files) return `log: true needs a runtime with files; the ${this.#runtime.name} runtime has none`;
    return undefined;
  }

  /** Opens the job's log file when its spec (or the executor) asks for one. */
  open(entry: Entry): void {
    const logs = this.#options;
    const files = this.#runtime.files;
    if (!logs || !files || !(entry.spec.log ?? logs.all)) return;
    const perJob = logs.maxBytesPerJob ?? DEFAULT_LOG_MAX_BYTES;
    const total = logs.maxTotalBytes ?? DEFAULT_LOG_TOTAL_BYTES;
    const path = `${logs.dir.replace(/\/+$/, '')}/${entry.id}.${entry.marker}.log`;
    const sink = files.mkdir(logs.dir).then(() => files.append(path));
    entry.log = new LogWriter(path, sink, (n) => {
      const allowed = Math.max(0, Math.min(n, perJob - (entry.log?.accepted ?? 0), total - this.#total));
      this.#total += allowed;
      return allowed;
    });
  }

  /** Closes the log of an ended job and removes the file after the TTL. */
  end(entry: Entry): void {
    const log = entry.log;
    const logs = this.#options;
    if (!log || !logs) return;
    void log.close().then(() =>
      this.#runtime.sleep(logs.ttlMs ?? DEFAULT_LOG_TTL_MS, this.#timers.signal).then(
        () => this.remove(entry),
        () => {},
      ),
    );
  }

  /** Forgets the job's log file and removes it; resolves once it is gone (never rejects). */
  async remove(entry: Entry): Promise<void> {
    const log = entry.log;
    if (!log) return;
    entry.log = undefined;
    this.#total -= log.accepted;
    await this.#runtime.files?.remove(log.path).catch(() => {});
  }

  /** At close: nothing can read a closed executor's logs, so they go now, not at a TTL no timer will see. */
  async removeAll(entries: readonly Entry[]): Promise<void> {
    this.#timers.abort();
    const logged = entries.filter((e) => e.log);
    await Promise.all(logged.map((e) => e.log?.close()));
    await Promise.all(logged.map((e) => this.remove(e)));
  }

  /**
   * Reads a logged job's output from its file when the log holds `options.offset`; undefined
   * when memory must answer (no log, a failed one, or an offset past what the file holds).
   */
  read(entry: Entry, options: ReadOptions): OutputSlice | undefined {
    const log = entry.log;
    const files = this.#runtime.files;
    if (!log || !files || log.failed !== undefined) return undefined;
    const total = entry.buffer.totalBytes;
    const requested = options.offset ?? 0;
    const offset = requested < 0 ? Math.max(0, total + requested) : requested;
    const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_READ_LIMIT_BYTES));
    if (offset >= log.flushed) return entry.buffer.read({ offset, limit });
    let bytes: Uint8Array;
    try {
      bytes = files.read(log.path, offset, Math.min(limit, log.flushed - offset));
    } catch {
      return entry.buffer.read({ offset, limit });
    }
    // Never end mid-character, unless one character is all there is.
    const end = alignEnd(bytes, 0, bytes.length) || bytes.length;
    const byteLength = end;
    return {
      offset,
      nextOffset: offset + byteLength,
      totalBytes: total,
      text: decodeUtf8(bytes.subarray(0, end)),
      byteLength,
      gap: null,
      eof: offset + byteLength >= total,
    };
  }
}
