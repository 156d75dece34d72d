/**
 * What the executor watches in a running job's output: lines (for readiness patterns), prompts
 * (for `input_required`), and the bounded writer of full logs.
 */
import type { FileSink } from './runtime.ts';
import { compileSafePattern, type SafePattern } from './safe-pattern.ts';

/**
 * Longest line (in characters) a readiness pattern is matched against: a regex comes from a
 * model and is untrusted, so its input is bounded (a longer line is matched by its first part).
 */
export const MAX_MATCH_LINE_CHARS = 1_024;

/**
 * Compiles a readiness pattern from untrusted input, matched in linear time (see
 * {@link compileSafePattern}); a bad one is an {@link InvalidJobSpecError} naming `field`.
 */
export function compilePattern(field: string, pattern: string): SafePattern {
  return compileSafePattern(field, pattern);
}

/** Splits decoded output into lines, each capped at {@link MAX_MATCH_LINE_CHARS}. */
export class LineSplitter {
  /** Made at the first chunk: most jobs' output is never split into lines. */
  #decoder: TextDecoder | undefined;
  #partial = '';

  /** The complete lines in `chunk` (with the partial line left over from before). */
  push(chunk: Uint8Array): string[] {
    this.#decoder ??= new TextDecoder('utf-8', { fatal: false });
    const text = this.#decoder.decode(chunk, { stream: true });
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        this.#add(text.slice(start));
        return lines;
      }
      this.#add(text.slice(start, nl));
      lines.push(this.#partial.replace(/\r$/, ''));
      this.#partial = '';
      start = nl + 1;
    }
  }

  /** Starts over with `partial` as the line being written (after chunks went unsplit). */
  seed(partial: string): void {
    this.#partial = '';
    this.#add(partial);
  }

  /** Keeps the start of a long line: a pattern anchored with `^` still matches it. */
  #add(text: string): void {
    if (this.#partial.length < MAX_MATCH_LINE_CHARS) this.#partial += text.slice(0, MAX_MATCH_LINE_CHARS - this.#partial.length);
  }

  /** The line written so far without its newline (a prompt usually is one), capped. */
  get partial(): string {
    return this.#partial;
  }
}

/** Ends of a line that asks for input: `?`, `:`, `>`, `[y/N]`, `(yes/no)`, `password`... */
const PROMPT_END = /(?:[?:>]|\[[yn]\/[yn]\]|\((?:y|yes)\/(?:n|no)\)|password|passphrase)\s*$/i;

/** True when `line` looks like a prompt waiting for an answer. */
export function looksLikePrompt(line: string): boolean {
  const trimmed = line.trimEnd();
  return trimmed.length > 0 && trimmed.length <= 300 && PROMPT_END.test(trimmed);
}

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
