/**
 * Bounded output of one job: the first `headBytes` and the last `tailBytes` bytes, with an exact
 * count of what was dropped between them. Memory stays bounded however much a job writes.
 */
import { alignEnd, alignStart, decodeUtf8 } from './internal/utf8.ts';

/** Size limits of an {@link OutputBuffer}. */
export interface OutputLimits {
  /** Bytes kept from the start of the output. Default 64 KiB. */
  headBytes?: number;
  /** Bytes kept from the end of the output. Default 64 KiB. */
  tailBytes?: number;
}

export const DEFAULT_HEAD_BYTES = 64 * 1024;
export const DEFAULT_TAIL_BYTES = 64 * 1024;
/** Default size of one {@link OutputBuffer.read}. */
export const DEFAULT_READ_LIMIT_BYTES = 16 * 1024;

/** A range of absolute byte offsets, `start` inclusive, `end` exclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The result of {@link OutputBuffer.read}: contiguous text, never spanning dropped bytes. */
export interface OutputSlice {
  /** Absolute byte offset of the first returned byte. */
  offset: number;
  /** Offset to pass to the next read; equals `totalBytes` at the end. */
  nextOffset: number;
  /** Bytes written so far. */
  totalBytes: number;
  /** Decoded text of bytes [offset, offset + byteLength). */
  text: string;
  byteLength: number;
  /** Dropped bytes the requested range touched (the next read skips them), or null. */
  gap: ByteRange | null;
  /** True when nothing is left to read at `nextOffset` (so far). */
  eof: boolean;
}

/**
 * The kept bytes of an {@link OutputBuffer}: enough to rebuild an equal one in another process
 * (a queue worker streams these to the agent host).
 */
export interface OutputSnapshot {
  /** Bytes kept from the start of the output. */
  head: Uint8Array;
  /** Bytes kept from the end of the output (empty until the head is full). */
  tail: Uint8Array;
  /** Bytes written in all; `totalBytes - head.length - tail.length` were dropped between. */
  totalBytes: number;
}

/** Options of {@link OutputBuffer.read}. */
export interface ReadOptions {
  /** Absolute byte offset to read from; default 0. Negative counts from the end. */
  offset?: number;
  /** Most bytes to return; default 16 KiB. */
  limit?: number;
}

/** Shared by every buffer that holds nothing yet (never written to: its length is 0). */
const EMPTY = new Uint8Array(0);

/** Smallest allocation when a buffer first grows: most jobs print little or nothing. */
const MIN_CAPACITY = 256;

/** The next capacity that holds `need` bytes: doubling, at most `limit`. */
function grownCapacity(current: number, need: number, limit: number): number {
  return Math.min(limit, Math.max(need, current * 2, MIN_CAPACITY));
}

/**
 * Memory grows with what the job wrote, up to the limits: a job that prints nothing holds no
 * buffer at all, and the head and the tail ring double on demand until they reach their limits.
 */
export class OutputBuffer {
  readonly headLimit: number;
  readonly tailLimit: number;
  #head: Uint8Array = EMPTY;
  #headLength = 0;
  #ring: Uint8Array = EMPTY;
  #ringStart = 0; // index of the oldest ring byte
  #ringLength = 0;
  #total = 0;

  constructor(limits: OutputLimits = {}) {
    this.headLimit = Math.max(0, Math.floor(limits.headBytes ?? DEFAULT_HEAD_BYTES));
    this.tailLimit = Math.max(0, Math.floor(limits.tailBytes ?? DEFAULT_TAIL_BYTES));
  }

  /** Bytes written so far. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Bytes dropped between head and tail. */
  get omittedBytes(): number {
    return this.#total - this.#headLength - this.#ringLength;
  }

  get truncated(): boolean {
    return this.omittedBytes > 0;
  }

  /** Bytes of memory the buffers hold now (capacity, not content). */
  get allocatedBytes(): number {
    return this.#head.length + this.#ring.length;
  }

  /** Offset of the first kept tail byte. */
  get #tailStart(): number {
    return this.#total - this.#ringLength;
  }

  append(chunk: Uint8Array): void {
    let rest = chunk;
    if (this.#headLength < this.headLimit) {
      const n = Math.min(rest.length, this.headLimit - this.#headLength);
      const need = this.#headLength + n;
      if (need > this.#head.length) {
        const grown = new Uint8Array(grownCapacity(this.#head.length, need, this.headLimit));
        grown.set(this.#head.subarray(0, this.#headLength));
        this.#head = grown;
      }
      this.#head.set(rest.subarray(0, n), this.#headLength);
      this.#headLength += n;
      this.#total += n;
      rest = rest.subarray(n);
    }
    if (rest.length === 0) return;
    this.#total += rest.length;
    if (this.tailLimit === 0) return;
    if (rest.length >= this.tailLimit) {
      if (this.#ring.length < this.tailLimit) this.#ring = new Uint8Array(this.tailLimit);
      this.#ring.set(rest.subarray(rest.length - this.tailLimit));
      this.#ringStart = 0;
      this.#ringLength = this.tailLimit;
      return;
    }
    const need = Math.min(this.tailLimit, this.#ringLength + rest.length);
    if (need > this.#ring.length) this.#growRing(need);
    const capacity = this.#ring.length;
    const end = (this.#ringStart + this.#ringLength) % capacity;
    const first = Math.min(rest.length, capacity - end);
    this.#ring.set(rest.subarray(0, first), end);
    this.#ring.set(rest.subarray(first), 0);
    const overflow = Math.max(0, this.#ringLength + rest.length - capacity);
    this.#ringStart = (this.#ringStart + overflow) % capacity;
    this.#ringLength = Math.min(capacity, this.#ringLength + rest.length);
  }

  /** Moves the ring into a larger array, oldest byte first. */
  #growRing(need: number): void {
    const grown = new Uint8Array(grownCapacity(this.#ring.length, need, this.tailLimit));
    grown.set(this.#ringBytes(0, this.#ringLength));
    this.#ring = grown;
    this.#ringStart = 0;
  }

  /** Copies ring bytes [from, to) counted from the oldest kept tail byte. */
  #ringBytes(from: number, to: number): Uint8Array {
    const out = new Uint8Array(to - from);
    const capacity = this.#ring.length;
    for (let i = 0; i < out.length; ) {
      const at = (this.#ringStart + from + i) % capacity;
      const n = Math.min(out.length - i, capacity - at);
      out.set(this.#ring.subarray(at, at + n), i);
      i += n;
    }
    return out;
  }

  /** Copies kept bytes [start, end) (absolute offsets inside one kept region). */
  #copy(start: number, end: number): Uint8Array {
    if (end <= this.#headLength) return this.#head.slice(start, end);
    return this.#ringBytes(start - this.#tailStart, end - this.#tailStart);
  }

  /**
   * Reads by absolute byte offset. A read never spans dropped bytes: where the range touches
   * them, `gap` says which, and the text stops before them or starts after them.
   */
  read(options: ReadOptions = {}): OutputSlice {
    const total = this.#total;
    const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_READ_LIMIT_BYTES));
    let offset = Math.floor(options.offset ?? 0);
    if (offset < 0) offset = Math.max(0, total + offset);
    offset = Math.min(offset, total);
    const tailStart = this.#tailStart;
    const gapRange: ByteRange | null = tailStart > this.#headLength ? { start: this.#headLength, end: tailStart } : null;

    let start = offset;
    let end: number;
    let gap: ByteRange | null = null;
    if (gapRange && offset >= gapRange.start && offset < gapRange.end) {
      gap = { start: offset, end: gapRange.end };
      start = gapRange.end;
      end = Math.min(total, start + limit);
    } else if (gapRange && offset < gapRange.start) {
      end = Math.min(gapRange.start, offset + limit);
      if (offset + limit > gapRange.start) gap = { ...gapRange };
    } else {
      end = Math.min(total, offset + limit);
    }

    const raw = this.#copy(start, end);
    const a = start === 0 ? 0 : alignStart(raw, 0, raw.length);
    const atRegionEnd = end === total || (gapRange !== null && end === gapRange.start);
    const b = atRegionEnd ? raw.length : alignEnd(raw, a, raw.length);
    const bytes = raw.subarray(a, b);
    let nextOffset = start + b;
    if (gap && gapRange && nextOffset === gapRange.start) nextOffset = gapRange.end;
    return {
      offset: start + a,
      nextOffset,
      totalBytes: total,
      text: decodeUtf8(bytes),
      byteLength: bytes.length,
      gap,
      eof: nextOffset >= total,
    };
  }

  /** The last `maxLines` lines of at most the last `maxBytes` kept bytes, decoded. */
  tail(maxBytes = 2000, maxLines = 20): string {
    const from = Math.max(this.#total - maxBytes, this.truncated ? this.#tailStart : 0);
    const slice = this.read({ offset: from, limit: maxBytes });
    const text = slice.text.endsWith('\n') ? slice.text.slice(0, -1) : slice.text;
    const lines = text.split('\n');
    return lines.slice(Math.max(0, lines.length - maxLines)).join('\n');
  }

  /** A copy of the kept bytes and the total, for {@link OutputBuffer.fromSnapshot} elsewhere. */
  snapshot(): OutputSnapshot {
    return {
      head: this.#head.slice(0, this.#headLength),
      tail: this.#ringLength > 0 ? this.#copy(this.#tailStart, this.#total) : new Uint8Array(0),
      totalBytes: this.#total,
    };
  }

  /**
   * A buffer that reads exactly like the one `snapshot` was taken from (same kept bytes, same
   * gap); its limits are the snapshot's sizes, so it is meant to be read, not appended to.
   * Throws a RangeError when `totalBytes` is smaller than the kept bytes.
   */
  static fromSnapshot(snapshot: OutputSnapshot): OutputBuffer {
    const { head, tail, totalBytes } = snapshot;
    const omitted = totalBytes - head.length - tail.length;
    if (!Number.isInteger(totalBytes) || omitted < 0) {
      throw new RangeError(`output snapshot: totalBytes ${totalBytes} is less than the ${head.length + tail.length} bytes kept`);
    }
    const buffer = new OutputBuffer({ headBytes: head.length, tailBytes: tail.length });
    buffer.append(head);
    buffer.#total += omitted;
    buffer.append(tail);
    return buffer;
  }
}
