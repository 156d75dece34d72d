/**
 * Durable notices: each agent host has a Redis stream of notices (appended by the script that
 * ends a job, in completion order), and each bus consumer is a consumer group on it. Reading a
 * notice puts it in the group's pending list (Redis' own lease); `ack` is `XACK`; a host that
 * restarts with the same name first re-reads its pending list, so every notice not acked before
 * the crash comes back exactly once and an acked one never does.
 */
import {
  AbortedError,
  type ConsumerOptions,
  type Job,
  type Lease,
  type Notice,
  type NoticeBus,
  type NoticeConsumer,
  type Runtime,
} from '@bgtasks/core';
import { type JobSource, LeaseBook, nextNotice, ReadyWaiters } from '@bgtasks/core/internal';
import type { Redis } from 'ioredis';
import { NoticeEntrySchema, pairs } from './internal/wire.ts';
import { toNotice } from './relay-wire.ts';

/** Wait between retries of an `XACK` while Redis is away. */
const ACK_RETRY_MS = 200;
/** Entries read per `XREADGROUP`. */
const READ_COUNT = 500;
/** Least time between two trims of the stream. */
const TRIM_INTERVAL_MS = 5_000;

interface Held {
  notice: Notice;
  streamId: string;
}

/** @internal what a consumer needs from its bus */
interface BusContext {
  readonly redis: Redis;
  readonly stream: string;
  readonly runtime: Runtime;
  /** Redis time (ms since the epoch) to the host's clock. */
  toLocal(redisMs: number): number;
  isClosed(): boolean;
  acked(): void;
  /** See {@link RedisNoticeBusOptions.settled}. */
  settled(notice: Notice): boolean;
  /** See {@link RedisNoticeBusOptions.unsettled}. */
  unsettled(jobId: string): void;
  onError(error: unknown): void;
}

type StreamReply = [string, [string, string[] | null][]][] | null;

/** One consumer group of a host's notice stream. */
export class RedisNoticeConsumer implements NoticeConsumer {
  readonly name: string;
  readonly #ctx: BusContext;
  readonly #from: 'start' | 'now';
  #queue: Held[] = [];
  /** Read from the stream, in seq order, not visible yet: the host's mirror has not caught up with them. */
  #parked: Held[] = [];
  readonly #leases: LeaseBook<Held>;
  /** Stream ids held here (queued or leased), so a re-read of the pending list adds nothing twice. */
  readonly #held = new Set<string>();
  readonly #waiters = new ReadyWaiters(
    () => this.#queue.length > 0,
    () => this.#closed,
    'the notice bus is closed',
  );
  #groupReady = false;
  #pendingListRead = false;
  #pulling: Promise<void> | undefined;
  #pullAgain = false;
  #closed = false;

  /** @internal created by {@link RedisNoticeBus.consumer} */
  constructor(name: string, from: 'start' | 'now', ctx: BusContext) {
    this.name = name;
    this.#leases = new LeaseBook(name);
    this.#from = from;
    this.#ctx = ctx;
  }

  pending(): Notice[] {
    return this.#queue.map((h) => h.notice);
  }

  get leased(): number {
    return this.#leases.count;
  }

  lease(max = Number.POSITIVE_INFINITY): Lease {
    const held = this.#queue.splice(0, Math.max(0, max));
    return this.#leases.open(
      held,
      held.map((h) => h.notice),
    );
  }

  /**
   * Marks a lease's notices delivered: at once here (they are never handed out again by this
   * process), and in Redis by `XACK`, retried while Redis is away; resolves once Redis has it.
   */
  async ack(lease: Lease): Promise<void> {
    const held = this.#leases.settle(lease);
    if (held.length === 0) return;
    const ids = held.map((h) => h.streamId);
    for (;;) {
      try {
        await this.#ctx.redis.xack(this.#ctx.stream, this.name, ...ids);
        break;
      } catch (error) {
        if (this.#closed) throw new AbortedError(`the notice bus closed before the ack of ${ids.length} notice(s) was stored`);
        this.#ctx.onError(error);
        await this.#ctx.runtime.sleep(ACK_RETRY_MS);
      }
    }
    for (const id of ids) this.#held.delete(id);
    this.#ctx.acked();
  }

  /** Returns a lease's notices to the front of the queue (they stay pending in Redis meanwhile). */
  release(lease: Lease): void {
    const held = this.#leases.settle(lease);
    if (held.length === 0) return;
    this.#queue = [...held, ...this.#queue].sort((a, b) => a.notice.seq - b.notice.seq);
    this.#waiters.wake();
  }

  ready(signal?: AbortSignal): Promise<void> {
    return this.#waiters.ready(signal);
  }

  next(signal?: AbortSignal): Promise<Notice> {
    return nextNotice(this, signal);
  }

  /**
   * Reads what the stream has for this group: first (once per process) the group's pending
   * list, i.e. notices read before a crash and never acked; then new entries. Concurrent calls
   * coalesce into one more read.
   */
  pull(): Promise<void> {
    if (this.#pulling) {
      this.#pullAgain = true;
      return this.#pulling;
    }
    this.#pulling = (async () => {
      try {
        do {
          this.#pullAgain = false;
          await this.#read();
        } while (this.#pullAgain && !this.#closed);
      } finally {
        this.#pulling = undefined;
      }
    })();
    return this.#pulling;
  }

  async #read(): Promise<void> {
    const { redis, stream } = this.#ctx;
    if (!this.#groupReady) {
      try {
        await redis.xgroup('CREATE', stream, this.name, this.#from === 'now' ? '$' : '0', 'MKSTREAM');
      } catch (error) {
        if (!String(error).includes('BUSYGROUP')) throw error;
        // A `now` consumer of an earlier process: what it left is not news; settle it and start at the end.
        if (this.#from === 'now') await this.#skipToEnd();
      }
      this.#groupReady = true;
    }
    if (!this.#pendingListRead) {
      let after = '0';
      for (;;) {
        const batch = await this.#readGroup(after);
        if (batch.length === 0) break;
        after = batch[batch.length - 1]!;
      }
      this.#pendingListRead = true;
    }
    while (!this.#closed && (await this.#readGroup('>')).length === READ_COUNT) {
      // a full batch: there may be more
    }
  }

  async #skipToEnd(): Promise<void> {
    const { redis, stream } = this.#ctx;
    await redis.xgroup('SETID', stream, this.name, '$');
    for (;;) {
      const pending = (await redis.xpending(stream, this.name, '-', '+', READ_COUNT)) as [string, ...unknown[]][];
      if (pending.length === 0) break;
      await redis.xack(stream, this.name, ...pending.map((p) => p[0]));
    }
    this.#pendingListRead = true;
  }

  /** One XREADGROUP from `after` ('>' for new entries); returns the stream ids read. */
  async #readGroup(after: string): Promise<string[]> {
    const { redis, stream } = this.#ctx;
    const reply = (await redis.xreadgroup(
      'GROUP',
      this.name,
      this.name,
      'COUNT',
      READ_COUNT,
      'STREAMS',
      stream,
      after,
    )) as StreamReply;
    const entries = reply?.[0]?.[1] ?? [];
    const ids: string[] = [];
    const fresh: Held[] = [];
    const trimmed: string[] = [];
    for (const [streamId, fields] of entries) {
      ids.push(streamId);
      if (this.#held.has(streamId)) continue;
      // An entry trimmed away while pending comes back without fields: nothing to deliver.
      const parsed = fields ? NoticeEntrySchema.safeParse(pairs(fields)) : undefined;
      if (!parsed?.success) {
        if (parsed) this.#ctx.onError(new Error(`malformed notice ${streamId} on ${stream}; skipped`));
        trimmed.push(streamId);
        continue;
      }
      const notice = toNotice(parsed.data, this.#ctx.toLocal(parsed.data.endedAt));
      this.#held.add(streamId);
      fresh.push({ notice, streamId });
    }
    if (trimmed.length > 0) await redis.xack(stream, this.name, ...trimmed);
    if (fresh.length > 0 && !this.#closed) {
      this.#parked = [...this.#parked, ...fresh].sort((a, b) => a.notice.seq - b.notice.seq);
      this.unpark();
      for (const h of this.#parked) this.#ctx.unsettled(h.notice.jobId);
    }
    return ids;
  }

  /**
   * Makes parked notices visible, in seq order, up to the first whose job the host does not
   * show ended yet: a notice is never seen before `get()` shows its job's end.
   * @internal called by the bus when the host's mirror moved
   */
  unpark(): void {
    let n = 0;
    while (n < this.#parked.length && this.#ctx.settled(this.#parked[n]!.notice)) n++;
    if (n === 0) return;
    const moved = this.#parked.splice(0, n);
    this.#queue = [...this.#queue, ...moved].sort((a, b) => a.notice.seq - b.notice.seq);
    this.#waiters.wake();
  }

  /** @internal */
  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#parked = [];
    this.#waiters.wake();
  }
}

/** Options of {@link RedisNoticeBus}. */
export interface RedisNoticeBusOptions {
  redis: Redis;
  /** The host's notice stream. */
  stream: string;
  runtime: Runtime;
  source: JobSource;
  /** The notices of the jobs the host knows, in publication order (read from their records). */
  history(): Notice[];
  toLocal(redisMs: number): number;
  /**
   * True once the host's mirror shows `notice` (its job ended, with its final output): until
   * then the notice is read but not visible to consumers. Default: always true.
   */
  settled?(notice: Notice): boolean;
  /** Told the job of a read but parked notice, so the host can bring its mirror up to date. */
  unsettled?(jobId: string): void;
  onError?(error: unknown): void;
}

/** The bus of a {@link QueueExecutor}: consumers are consumer groups on the host's notice stream. */
export class RedisNoticeBus implements NoticeBus {
  readonly #options: RedisNoticeBusOptions;
  readonly #consumers = new Map<string, RedisNoticeConsumer>();
  readonly #ctx: BusContext;
  #closed = false;
  #lastTrim = Number.NEGATIVE_INFINITY;

  constructor(options: RedisNoticeBusOptions) {
    this.#options = options;
    this.#ctx = {
      redis: options.redis,
      stream: options.stream,
      runtime: options.runtime,
      toLocal: (ms) => options.toLocal(ms),
      isClosed: () => this.#closed,
      acked: () => void this.#maybeTrim(),
      settled: (notice) => options.settled?.(notice) ?? true,
      unsettled: (jobId) => options.unsettled?.(jobId),
      onError: (error) => options.onError?.(error),
    };
  }

  consumer(name: string, options: ConsumerOptions = {}): RedisNoticeConsumer {
    let c = this.#consumers.get(name);
    if (!c) {
      c = new RedisNoticeConsumer(name, options.from ?? 'start', this.#ctx);
      if (this.#closed) c.close();
      this.#consumers.set(name, c);
      c.pull().catch((error) => this.#ctx.onError(error));
    }
    return c;
  }

  check(id: string): Job {
    return this.#options.source.get(id);
  }

  /** The notices of this host's jobs that ended, in publication order. */
  history(): Notice[] {
    return this.#options.history();
  }

  /** Makes visible the parked notices whose jobs the host's mirror now shows ended. */
  settle(): void {
    for (const c of this.#consumers.values()) c.unpark();
  }

  /**
   * Reads new notices for every consumer; errors (Redis away) are reported, not thrown.
   * Resolves true when every consumer's read succeeded.
   */
  async pull(): Promise<boolean> {
    const results = await Promise.all(
      [...this.#consumers.values()].map((c) =>
        c.pull().then(
          () => true,
          (error: unknown) => {
            this.#ctx.onError(error);
            return false;
          },
        ),
      ),
    );
    return results.every(Boolean);
  }

  /**
   * Drops stream entries every group has acked, so the stream stays bounded: it keeps what
   * some group still has pending or has not read yet.
   */
  async #maybeTrim(): Promise<void> {
    const now = this.#options.runtime.now();
    if (now - this.#lastTrim < TRIM_INTERVAL_MS) return;
    this.#lastTrim = now;
    const { redis, stream } = this.#options;
    try {
      const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
      let min: string | undefined;
      const lower = (id: string): void => {
        if (min === undefined || compareIds(id, min) < 0) min = id;
      };
      for (const flat of groups) {
        const g = pairs(flat.map(String));
        const name = g.name;
        if (name === undefined) continue;
        if (Number(g.pending) > 0) {
          const summary = (await redis.xpending(stream, name)) as [number, string | null, string | null, unknown];
          if (summary[1]) lower(summary[1]);
        } else if (g['last-delivered-id']) {
          lower(nextId(g['last-delivered-id']));
        }
      }
      if (min !== undefined) await redis.xtrim(stream, 'MINID', min);
    } catch (error) {
      this.#ctx.onError(error);
    }
  }

  /** @internal */
  close(): void {
    this.#closed = true;
    for (const c of this.#consumers.values()) c.close();
  }
}

function parseId(id: string): [bigint, bigint] {
  const [ms, seq] = id.split('-');
  return [BigInt(ms ?? '0'), BigInt(seq ?? '0')];
}

function compareIds(a: string, b: string): number {
  const [am, as] = parseId(a);
  const [bm, bs] = parseId(b);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

function nextId(id: string): string {
  const [ms, seq] = parseId(id);
  return `${ms}-${seq + 1n}`;
}
