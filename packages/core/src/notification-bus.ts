/**
 * Delivers every notice to each consumer exactly once, in publication (completion) order.
 * A consumer leases notices when it builds a model request and acks the lease when the request
 * succeeds; on failure it releases the lease and the same notices ride the next request.
 */
import { AbortedError, LeaseError, UnknownJobError } from './errors.ts';
import type { NoticeBus, NoticeConsumer } from './executor-api.ts';
import type { Job, Notice } from './job.ts';

/** Where the bus looks up job snapshots for {@link NotificationBus.check}. */
export interface JobSource {
  get(id: string): Job;
  list(): Job[];
}

/** Notices handed out together; settle with `ack` or `release`, exactly once. */
export interface Lease {
  readonly id: number;
  readonly consumer: string;
  readonly notices: readonly Notice[];
}

/** Told of every ack: which consumer acked which notices (durable jobs persist it). */
export type AckObserver = (consumer: string, notices: readonly Notice[]) => void;

/** Options of {@link NotificationBus.consumer}. */
export interface ConsumerOptions {
  /** `start` (default): also receive notices published before the consumer existed. */
  from?: 'start' | 'now';
}

export class Consumer implements NoticeConsumer {
  readonly name: string;
  #queue: Notice[] = [];
  #leases = new Map<number, Notice[]>();
  #nextLeaseId = 1;
  #waiters = new Set<() => void>();
  #closed = false;
  readonly #onClose: (() => void) | undefined;
  readonly #onAck: AckObserver | undefined;
  /** Notices of each job pending or leased here: {@link holds} in constant time, however far behind. */
  readonly #held = new Map<string, number>();

  /** @internal created by {@link NotificationBus.consumer} */
  constructor(name: string, backlog: readonly Notice[], onClose?: () => void, onAck?: AckObserver) {
    this.name = name;
    this.#queue = [...backlog];
    for (const n of this.#queue) this.#hold(n, 1);
    this.#onClose = onClose;
    this.#onAck = onAck;
  }

  #hold(notice: Notice, delta: 1 | -1): void {
    const n = (this.#held.get(notice.jobId) ?? 0) + delta;
    if (n > 0) this.#held.set(notice.jobId, n);
    else this.#held.delete(notice.jobId);
  }

  /** Notices neither delivered nor leased, oldest first. */
  pending(): Notice[] {
    return [...this.#queue];
  }

  /** Number of notices currently leased and not yet settled. */
  get leased(): number {
    let n = 0;
    for (const notices of this.#leases.values()) n += notices.length;
    return n;
  }

  /** Takes up to `max` pending notices (all by default) under a new lease. */
  lease(max = Number.POSITIVE_INFINITY): Lease {
    const notices = this.#queue.splice(0, Math.max(0, max));
    const id = this.#nextLeaseId++;
    this.#leases.set(id, notices);
    return { id, consumer: this.name, notices };
  }

  #settle(lease: Lease): Notice[] {
    if (lease.consumer !== this.name) {
      throw new LeaseError(`lease ${lease.id} belongs to consumer "${lease.consumer}", not "${this.name}"`);
    }
    const notices = this.#leases.get(lease.id);
    if (!notices) throw new LeaseError(`lease ${lease.id} of consumer "${this.name}" was already acked or released`);
    this.#leases.delete(lease.id);
    return notices;
  }

  /** Marks a lease's notices delivered; they are never handed out again. */
  ack(lease: Lease): void {
    const notices = this.#settle(lease);
    for (const n of notices) this.#hold(n, -1);
    if (notices.length > 0) this.#onAck?.(this.name, notices);
  }

  /**
   * Returns a lease's notices to the queue, in order, ahead of anything published since. After
   * the bus is closed the lease is settled and its notices are dropped: nothing is delivered
   * after close.
   */
  release(lease: Lease): void {
    const notices = this.#settle(lease);
    if (notices.length === 0) return;
    if (this.#closed) {
      for (const n of notices) this.#hold(n, -1);
      return;
    }
    // A released progress notice stays superseded by a newer one of its job that came meanwhile.
    const newer = new Set(this.#queue.filter((n) => n.kind === 'progress').map((n) => n.jobId));
    const back = notices.filter((n) => {
      const superseded = n.kind === 'progress' && newer.has(n.jobId);
      if (superseded) this.#hold(n, -1);
      return !superseded;
    });
    this.#queue = [...back, ...this.#queue].sort((a, b) => a.seq - b.seq);
    this.#wake();
  }

  /** Resolves once at least one notice is pending (at once if one is). */
  ready(signal?: AbortSignal): Promise<void> {
    if (this.#queue.length > 0) return Promise.resolve();
    if (this.#closed) return Promise.reject(new AbortedError(`the notification bus is closed`));
    if (signal?.aborted) return Promise.reject(new AbortedError());
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        if (this.#closed && this.#queue.length === 0) reject(new AbortedError('the notification bus is closed'));
        else resolve();
      };
      const onAbort = (): void => {
        this.#waiters.delete(done);
        reject(new AbortedError());
      };
      this.#waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Awaits the next notice and marks it delivered. */
  async next(signal?: AbortSignal): Promise<Notice> {
    for (;;) {
      await this.ready(signal);
      const lease = this.lease(1);
      const notice = lease.notices[0];
      this.ack(lease);
      if (notice) return notice;
    }
  }

  /** @internal True when the notice of job `jobId` is pending or leased here. */
  holds(jobId: string): boolean {
    return this.#held.has(jobId);
  }

  /** @internal */
  push(notice: Notice): void {
    if (this.#closed) return;
    // A newer progress notice of a job supersedes one not yet handed out (never a final one).
    if (notice.kind === 'progress') {
      this.#queue = this.#queue.filter((n) => {
        const superseded = n.kind === 'progress' && n.jobId === notice.jobId;
        if (superseded) this.#hold(n, -1);
        return !superseded;
      });
    }
    this.#queue.push(notice);
    this.#hold(notice, 1);
    this.#wake();
  }

  /** Removes this consumer from its bus; pending and leased notices are dropped, waiters rejected. */
  close(): void {
    this.#closed = true;
    for (const n of this.#queue) this.#hold(n, -1);
    this.#queue = [];
    this.#wake();
    this.#onClose?.();
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}

/** Options of {@link NotificationBus}. */
export interface NotificationBusOptions {
  /**
   * Most notices {@link NotificationBus.history} keeps (oldest dropped first); the executor also
   * drops the notice of each job it drops under its retention policy. Default 10 000.
   */
  maxHistory?: number;
}

/** Default of {@link NotificationBusOptions.maxHistory}. */
export const DEFAULT_MAX_HISTORY = 10_000;

export class NotificationBus implements NoticeBus {
  #log: Notice[] = [];
  /** Notices of each job in {@link #log}, so forgetting a job costs nothing when it has none left. */
  readonly #perJob = new Map<string, number>();
  #seq = 0;
  readonly maxHistory: number;
  #consumers = new Map<string, Consumer>();
  #source: JobSource | undefined;
  #closed = false;
  readonly #ackObservers = new Set<AckObserver>();

  constructor(options: NotificationBusOptions = {}) {
    const max = options.maxHistory ?? DEFAULT_MAX_HISTORY;
    if (!Number.isInteger(max) || max < 0) {
      throw new RangeError(`maxHistory: must be a whole number, 0 or more, got ${String(max)}`);
    }
    this.maxHistory = max;
  }

  /**
   * Calls `observer` after every ack of every consumer (an executor with durable jobs records
   * acks in its state directory); returns a function that removes it.
   */
  observeAcks(observer: AckObserver): () => void {
    this.#ackObservers.add(observer);
    return () => this.#ackObservers.delete(observer);
  }

  /** Lets {@link check} answer with live job snapshots (the executor attaches itself). */
  attach(source: JobSource): void {
    this.#source = source;
  }

  /** Publishes a notice to every consumer; assigns its `seq`. Ignored after {@link close}. */
  publish(notice: Omit<Notice, 'seq'>): Notice {
    // Not `{ ...notice, seq }`: in optimized code Node 20's V8 gives every such copy a hidden class
    // of its own (two per kept job, about 250 bytes, measured); assigning into `{}` shares one.
    const full: Notice = Object.assign({}, notice, { seq: ++this.#seq });
    if (this.#closed) return full;
    if (full.kind === 'progress' && this.#count(full.jobId) > 0) {
      const before = this.#log.length;
      this.#log = this.#log.filter((n) => !(n.kind === 'progress' && n.jobId === full.jobId));
      this.#count(full.jobId, this.#log.length - before);
    }
    this.#log.push(full);
    this.#count(full.jobId, 1);
    while (this.#log.length > this.maxHistory) {
      const dropped = this.#log.shift();
      if (dropped) this.#count(dropped.jobId, -1);
    }
    for (const c of this.#consumers.values()) c.push(full);
    return full;
  }

  /** Every notice still kept (see {@link NotificationBusOptions.maxHistory}), in publication order. */
  history(): Notice[] {
    return [...this.#log];
  }

  /** True when some consumer has the notice of job `jobId` pending or leased (not yet acked). */
  holds(jobId: string): boolean {
    for (const c of this.#consumers.values()) if (c.holds(jobId)) return true;
    return false;
  }

  /** Drops the notices of job `jobId` from the history (the executor does when it drops the job). */
  forget(jobId: string): void {
    let left = this.#count(jobId);
    if (left === 0) return;
    this.#perJob.delete(jobId);
    // Jobs are forgotten oldest first, so their notices are usually the oldest kept: taking them
    // off the front keeps a long-lived host's per-job cost constant.
    while (left > 0 && this.#log[0]?.jobId === jobId) {
      this.#log.shift();
      left--;
    }
    if (left > 0) this.#log = this.#log.filter((n) => n.jobId !== jobId);
  }

  /** The count of job `jobId`'s notices in the history, after adding `delta`. */
  #count(jobId: string, delta = 0): number {
    const n = (this.#perJob.get(jobId) ?? 0) + delta;
    if (delta !== 0) {
      if (n > 0) this.#perJob.set(jobId, n);
      else this.#perJob.delete(jobId);
    }
    return n;
  }

  /** The consumer called `name`, created on first use. */
  consumer(name: string, options: ConsumerOptions = {}): Consumer {
    let c = this.#consumers.get(name);
    if (!c) {
      const created: Consumer = new Consumer(
        name,
        options.from === 'now' ? [] : this.#log,
        () => {
          if (this.#consumers.get(name) === created) this.#consumers.delete(name);
        },
        (consumer, notices) => {
          for (const observe of this.#ackObservers) observe(consumer, notices);
        },
      );
      c = created;
      if (this.#closed) c.close();
      this.#consumers.set(name, c);
    }
    return c;
  }

  /** A snapshot of job `id`. */
  check(id: string): Job {
    if (!this.#source) throw new UnknownJobError(id, []);
    return this.#source.get(id);
  }

  /** Stops delivery: pending notices are dropped and waiters are rejected. */
  close(): void {
    this.#closed = true;
    for (const c of this.#consumers.values()) c.close();
  }
}
