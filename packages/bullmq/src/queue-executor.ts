/**
 * The agent side of the queue backend: `submit` records the job in Redis and adds a BullMQ job;
 * workers run it; state, output and notices come back from Redis into a local mirror, so the
 * synchronous reads of the {@link Executor} interface answer at once.
 */
import {
  AbortedError,
  type CloseOptions,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_WRITE_TIMEOUT_MS,
  DuplicateJobIdError,
  type Executor,
  ExecutorClosedError,
  InvalidJobSpecError,
  isFinalNotice,
  isFinalState,
  type Job,
  JobInputError,
  type JobSpec,
  NOTICE_TAIL_BYTES,
  NOTICE_TAIL_LINES,
  type Notice,
  OutputBuffer,
  type OutputSlice,
  type ReadOptions,
  type Runtime,
  UnknownJobError,
  UnsupportedError,
  type WaitForOptions,
  type WaitForResult,
  type WaitOptions,
  type WaitResult,
} from '@bgtasks/core';
import { commandSlug, describeIssues, parseJobSpec, waitForEnds } from '@bgtasks/core/internal';
import { createRuntime } from '@bgtasks/runtime';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { NoWorkerError, RedisUnavailableError } from './errors.ts';
import { blockingConnection, commandConnection, DEFAULT_REDIS_URL, redactUrl, redisUrlFromEnv } from './internal/connection.ts';
import { type QueueKeys, queueKeys } from './internal/keys.ts';
import { defineScripts, type Scripts } from './internal/scripts.ts';
import { JobHashSchema } from './internal/wire.ts';
import { RedisNoticeBus } from './redis-notice-bus.ts';
import { sendInput } from './relay-stdin.ts';
import { askedReadiness, readReadiness } from './relay-wait.ts';

/** Default queue name. */
export const DEFAULT_QUEUE = 'bgtasks';
/** Default BullMQ key prefix. */
export const DEFAULT_PREFIX = 'bgtasks';
/** How long an ended job's record (state, output) stays in Redis by default: one day. */
export const DEFAULT_RETAIN_MS = 24 * 60 * 60_000;

/** Options of {@link QueueExecutor.open}. */
export interface QueueExecutorOptions {
  /** Redis URL (with credentials: `redis://user:password@host:port`). Default `$BGTASKS_REDIS_URL`, else `redis://127.0.0.1:6379`. */
  redis?: string;
  /** BullMQ queue name. Default `bgtasks`. */
  queue?: string;
  /** BullMQ key prefix. Default `bgtasks`. */
  prefix?: string;
  /**
   * This agent host's name: it owns the jobs it submits and their notices. A host that restarts
   * with the same name finds its jobs and gets every notice it had not acked. Two live hosts
   * must not share a name. Default: a random name (nothing survives a restart).
   */
  host?: string;
  /** The host's runtime (clock); `createRuntime()` by default. */
  runtime?: Runtime;
  /** Reported as {@link Executor.maxConcurrent}; the real caps are the workers' and the queue's global one. Default 4. */
  maxConcurrent?: number;
  /** How long ended jobs stay in Redis. Default one day. */
  retainMs?: number;
  /** Jobs of this host remembered in Redis (oldest forgotten first). Default 1000. */
  maxJobs?: number;
  /** Safety-net poll of live jobs and notices (pub/sub does the fast path). Default 500 ms. */
  pollIntervalMs?: number;
  /** Give up on connecting, or on one submit, after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** `close()` kills this host's live jobs (the {@link Executor} contract). Default true; false leaves them running. */
  killOnClose?: boolean;
  /** Called with background errors (Redis away, malformed data); ignored by default. */
  onError?: (error: unknown) => void;
}

interface Mirror {
  job: Job;
  /** Set once the job has ended: the notice its end published. */
  notice?: Notice;
  output: OutputBuffer;
  done: Promise<Job>;
  resolve: (job: Job) => void;
  refreshing?: Promise<void>;
  again?: boolean;
}

const EMPTY = new Uint8Array(0);

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidJobSpecError([`${name}: must be a positive number, got ${String(value)}`]);
  }
  return value;
}

/**
 * @example
 * import { QueueExecutor, startWorker } from '@bgtasks/bullmq';
 * const queue = `docs-${Date.now()}`;
 * const worker = await startWorker({ queue, concurrency: 2 });
 * const executor = await QueueExecutor.open({ queue });
 * const job = await executor.submit({ command: 'echo hello' });
 * const { ended } = await executor.wait([job.id]);
 * console.log(ended[0]?.state, executor.tail(job.id));
 * await executor.close();
 * await worker.close();
 */
export class QueueExecutor implements Executor {
  readonly runtime: Runtime;
  readonly bus: RedisNoticeBus;
  readonly maxConcurrent: number;
  /** This host's name (see {@link QueueExecutorOptions.host}). */
  readonly host: string;
  /** The queue name. */
  readonly queue: string;
  /** The Redis URL without its password. */
  readonly url: string;
  readonly #keys: QueueKeys;
  readonly #redis: Redis;
  readonly #sub: Redis;
  #bull: Queue | undefined;
  readonly #prefix: string;
  readonly #scripts: Scripts;
  readonly #jobs = new Map<string, Mirror>();
  readonly #stop = new AbortController();
  readonly #retainSeconds: number;
  readonly #maxJobs: number;
  readonly #pollIntervalMs: number;
  readonly #timeoutMs: number;
  readonly #killOnClose: boolean;
  readonly #onError: (error: unknown) => void;
  /** Host clock minus Redis clock, in ms. */
  #offset = 0;
  #closed = false;

  private constructor(options: QueueExecutorOptions) {
    this.runtime = options.runtime ?? createRuntime();
    this.maxConcurrent = Math.floor(positive('maxConcurrent', options.maxConcurrent, DEFAULT_MAX_CONCURRENT));
    this.#retainSeconds = Math.ceil(positive('retainMs', options.retainMs, DEFAULT_RETAIN_MS) / 1000);
    this.#maxJobs = Math.floor(positive('maxJobs', options.maxJobs, 1000));
    this.#pollIntervalMs = positive('pollIntervalMs', options.pollIntervalMs, 500);
    this.#timeoutMs = positive('timeoutMs', options.timeoutMs, 5_000);
    this.#killOnClose = options.killOnClose ?? true;
    this.#onError = options.onError ?? (() => {});
    this.host = options.host ?? `host-${crypto.randomUUID()}`;
    this.queue = options.queue ?? DEFAULT_QUEUE;
    const rawUrl = options.redis ?? redisUrlFromEnv(this.runtime) ?? DEFAULT_REDIS_URL;
    this.url = redactUrl(rawUrl);
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#keys = queueKeys(prefix, this.queue);
    this.#redis = commandConnection(rawUrl, `bgtasks:host:${this.host}`);
    this.#redis.on('error', (e) => this.#onError(e));
    this.#sub = blockingConnection(rawUrl, `bgtasks:host-sub:${this.host}`);
    this.#sub.on('error', (e) => this.#onError(e));
    this.#scripts = defineScripts(this.#redis);
    this.#prefix = prefix;
    this.bus = new RedisNoticeBus({
      redis: this.#redis,
      stream: this.#keys.notices(this.host),
      runtime: this.runtime,
      source: this,
      history: () => [...this.#jobs.values()].flatMap((m) => (m.notice ? [m.notice] : [])).sort((a, b) => a.seq - b.seq),
      toLocal: (ms) => ms + this.#offset,
      // A notice is visible only once the mirror shows its job's end (get, list, output agree with it).
      settled: (notice) => {
        const m = this.#jobs.get(notice.jobId);
        return !isFinalNotice(notice) || m === undefined || isFinalState(m.job.state);
      },
      unsettled: (id) => {
        const m = this.#jobs.get(id);
        if (m) void this.#refresh(id, m);
      },
      onError: (e) => this.#onError(e),
    });
  }

  /**
   * Connects to Redis, loads this host's jobs (those a previous run under the same `host`
   * left) and starts following them. Rejects with {@link RedisUnavailableError} when Redis
   * does not answer within `timeoutMs`.
   */
  static async open(options: QueueExecutorOptions = {}): Promise<QueueExecutor> {
    const executor = new QueueExecutor(options);
    try {
      await executor.#start();
    } catch (error) {
      await executor.#disconnect();
      if (RedisUnavailableError.isInstance(error)) throw error;
      throw new RedisUnavailableError(executor.url, error instanceof Error ? error.message : String(error), { cause: error });
    }
    return executor;
  }

  async #start(): Promise<void> {
    await this.#withTimeout(
      Promise.all([this.#redis.connect(), this.#sub.connect()]),
      `no connection within ${this.#timeoutMs} ms`,
    );
    // BullMQ connects a client it is given; ours is connected first, so it only uses it.
    this.#bull = new Queue(this.queue, { connection: this.#redis, prefix: this.#prefix });
    this.#bull.on('error', (e) => this.#onError(e));
    await this.#syncClock();
    this.#redis.on('ready', () => {
      void this.#syncClock().catch((e) => this.#onError(e));
      void this.#refreshAll();
    });
    this.#sub.on('message', (channel: string, id: string) => {
      if (channel !== this.#keys.eventsChannel) return;
      const mirror = this.#jobs.get(id);
      if (mirror) void this.#refresh(id, mirror);
    });
    // ioredis resubscribes after a reconnect; what changed meanwhile is caught by the reload.
    this.#sub.on('ready', () => void this.#refreshAll());
    await this.#sub.subscribe(this.#keys.eventsChannel);
    const ids = await this.#redis.zrange(this.#keys.hostJobs(this.host), '0', '-1');
    for (const id of ids) {
      const job = await this.#read(id);
      if (job) this.#mirror(job.job, job.output, job.notice);
    }
    void this.#poll();
  }

  #queueOf(): Queue {
    if (!this.#bull) throw new ExecutorClosedError();
    return this.#bull;
  }

  async #syncClock(): Promise<void> {
    const before = this.runtime.now();
    const [sec, micro] = await this.#redis.time();
    const after = this.runtime.now();
    this.#offset = (before + after) / 2 - (Number(sec) * 1000 + Math.floor(Number(micro) / 1000));
  }

  #withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
    const stop = new AbortController();
    const timer = this.runtime.sleep(this.#timeoutMs, stop.signal).then(
      () => {
        throw new RedisUnavailableError(this.url, what);
      },
      () => undefined as never,
    );
    return Promise.race([work, timer]).finally(() => stop.abort());
  }

  /** Number of workers connected to the queue now (BullMQ's own count, from CLIENT LIST). */
  async workerCount(): Promise<number> {
    return this.#queueOf().getWorkersCount();
  }

  /**
   * Resolves once at least one worker is connected; rejects with {@link NoWorkerError} after
   * `timeoutMs` (default 3000) without one.
   */
  async requireWorker(timeoutMs = 3_000, signal?: AbortSignal): Promise<void> {
    const deadline = this.runtime.now() + timeoutMs;
    for (;;) {
      if ((await this.workerCount()) > 0) return;
      if (this.runtime.now() >= deadline) throw new NoWorkerError(this.queue, this.url);
      await this.runtime.sleep(200, signal);
    }
  }

  /**
   * Validates `spec`, records it in Redis and queues it in BullMQ. Fails at once with
   * {@link RedisUnavailableError} when Redis is not connected (nothing is queued then).
   */
  async submit(spec: JobSpec): Promise<Job> {
    if (this.#closed) throw new ExecutorClosedError();
    const clean = parseJobSpec(spec, 'command (non-empty string), id?, cwd?, env?, timeoutMs? (positive integer), label?');
    // Not carried through Redis yet: a full log would stay on the worker's disk, and a watch or
    // an idle notice would be watched there with nothing relaying it. Refuse them rather than
    // start a job whose log or notices nobody can get.
    // (`durable` needs nothing here: a queued job lives on its worker, never in the agent's host.)
    const unsupported = [
      ...(clean.log !== undefined && clean.log !== false ? ['log'] : []),
      ...(clean.watch !== undefined ? ['watch'] : []),
      ...(clean.idleNoticeMs !== undefined ? ['idleNoticeMs'] : []),
    ];
    if (unsupported.length > 0) {
      throw new UnsupportedError(`${unsupported.join(', ')}: not supported by the bullmq backend yet; use the local executor`);
    }
    if (this.#redis.status !== 'ready') {
      throw new RedisUnavailableError(this.url, `the connection is ${this.#redis.status}`);
    }
    try {
      return await this.#withTimeout(this.#submit(clean), `no answer within ${this.#timeoutMs} ms`);
    } catch (error) {
      if (DuplicateJobIdError.isInstance(error) || RedisUnavailableError.isInstance(error)) throw error;
      throw new RedisUnavailableError(this.url, error instanceof Error ? error.message : String(error), { cause: error });
    }
  }

  async #submit(clean: JobSpec): Promise<Job> {
    for (;;) {
      const id = clean.id ?? `${commandSlug(clean.command)}-${await this.#redis.incr(this.#keys.idSeq)}`;
      const spec: JobSpec = { ...clean, id };
      const queuedAt = await this.#scripts.submit(
        [this.#keys.job(id), this.#keys.bullJob(id), this.#keys.hostJobs(this.host)],
        [
          this.#keys.base,
          id,
          this.host,
          JSON.stringify(spec),
          spec.command,
          spec.label ?? '',
          this.#maxJobs,
          this.#retainSeconds,
        ],
      );
      if (queuedAt === 0) {
        if (clean.id !== undefined) throw new DuplicateJobIdError(id, [...this.#jobs.keys()]);
        continue;
      }
      try {
        // Our hash is the record; BullMQ's copy goes once run (a lost job's stays for a while).
        await this.#queueOf().add(
          'run',
          { id },
          {
            jobId: id,
            removeOnComplete: true,
            removeOnFail: { age: this.#retainSeconds, count: this.#maxJobs },
          },
        );
      } catch (error) {
        await this.#redis
          .multi()
          .del(this.#keys.job(id))
          .zrem(this.#keys.hostJobs(this.host), id)
          .exec()
          .catch(() => {});
        throw error;
      }
      const job: Job = {
        id,
        spec,
        state: 'queued',
        queuedAt: queuedAt + this.#offset,
        output: { bytes: 0, omittedBytes: 0, truncated: false },
      };
      const existing = this.#jobs.get(id);
      return existing ? { ...existing.job } : this.#mirror(job, new OutputBuffer({ headBytes: 0, tailBytes: 0 })).job;
    }
  }

  #mirror(job: Job, output: OutputBuffer, notice?: Notice): Mirror {
    let resolve!: (job: Job) => void;
    const done = new Promise<Job>((r) => {
      resolve = r;
    });
    const mirror: Mirror = { job, output, done, resolve, ...(notice ? { notice } : {}) };
    this.#jobs.set(job.id, mirror);
    // Bounded like the host's index in Redis: the oldest ended jobs are forgotten first.
    if (this.#jobs.size > this.#maxJobs) {
      for (const [id, m] of this.#jobs) {
        if (this.#jobs.size <= this.#maxJobs) break;
        if (isFinalState(m.job.state)) this.#jobs.delete(id);
      }
    }
    if (isFinalState(job.state)) resolve(job);
    return mirror;
  }

  /** Reads job `id` from Redis, or undefined when it is gone or malformed. */
  async #read(id: string): Promise<{ job: Job; output: OutputBuffer; notice?: Notice } | undefined> {
    const raw = await this.#redis.hgetallBuffer(this.#keys.job(id));
    if (Object.keys(raw).length === 0) return undefined;
    const text: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) if (k !== 'outHead' && k !== 'outTail') text[k] = v.toString('utf8');
    const parsed = JobHashSchema.safeParse(text);
    if (!parsed.success) {
      this.#onError(new Error(`malformed job record ${this.#keys.job(id)}: ${describeIssues(parsed.error).join('; ')}`));
      return undefined;
    }
    const h = parsed.data;
    let output: OutputBuffer;
    try {
      output = OutputBuffer.fromSnapshot({
        head: raw.outHead ? new Uint8Array(raw.outHead) : EMPTY,
        tail: raw.outTail ? new Uint8Array(raw.outTail) : EMPTY,
        totalBytes: h.outTotal,
      });
    } catch (error) {
      this.#onError(error);
      output = new OutputBuffer({ headBytes: 0, tailBytes: 0 });
    }
    const job: Job = {
      id: h.id,
      spec: h.spec,
      state: h.state,
      queuedAt: h.queuedAt + this.#offset,
      output: { bytes: h.outTotal, omittedBytes: h.outOmitted, truncated: h.outOmitted > 0 },
    };
    if (h.pid !== undefined) job.pid = h.pid;
    if (isFinalState(h.state)) {
      job.exitCode = h.exitCode;
      job.signal = h.signal;
    }
    if (h.forced === '1') job.forced = true;
    if (h.error) job.error = h.error;
    if (h.startedAt !== undefined) job.startedAt = h.startedAt + this.#offset;
    if (h.endedAt !== undefined) job.endedAt = h.endedAt + this.#offset;
    if (!isFinalState(h.state) || h.noticeSeq === undefined || job.endedAt === undefined) return { job, output };
    const notice: Notice = {
      jobId: h.id,
      state: h.state,
      exitCode: h.exitCode,
      signal: h.signal,
      durationMs: h.durationMs ?? 0,
      outputBytes: h.outTotal,
      tail: h.noticeTail ?? '',
      truncated: h.truncated === 'true',
      seq: h.noticeSeq,
      endedAt: job.endedAt,
      command: h.spec.command,
      ...(h.spec.label !== undefined ? { label: h.spec.label } : {}),
    };
    return { job, output, notice };
  }

  /** Brings the mirror of `id` up to date; concurrent calls coalesce into one more read. */
  #refresh(id: string, mirror: Mirror): Promise<void> {
    if (mirror.refreshing) {
      mirror.again = true;
      return mirror.refreshing;
    }
    mirror.refreshing = (async () => {
      try {
        do {
          mirror.again = false;
          const fresh = await this.#read(id);
          if (!fresh || isFinalState(mirror.job.state)) continue;
          // As with the local executor, a job is seen ended only once its notice is pending in
          // every consumer: otherwise a loop could find no job running and no notice waiting.
          // If the read fails (Redis away), the job stays live here and the poll tries again.
          if (isFinalState(fresh.job.state) && !(await this.bus.pull())) continue;
          mirror.job = fresh.job;
          mirror.output = fresh.output;
          if (fresh.notice) mirror.notice = fresh.notice;
          if (isFinalState(fresh.job.state)) mirror.resolve(fresh.job);
          // In the same turn as the mirror's update: the notice is visible exactly when the end is.
          this.bus.settle();
        } while (mirror.again);
      } catch (error) {
        this.#onError(error);
      } finally {
        mirror.refreshing = undefined;
      }
    })();
    return mirror.refreshing;
  }

  async #refreshAll(): Promise<void> {
    const live = [...this.#jobs.entries()].filter(([, m]) => !isFinalState(m.job.state));
    await Promise.all(live.map(([id, m]) => this.#refresh(id, m)));
    await this.bus.pull();
  }

  /**
   * The safety net under pub/sub (whose messages are lost while disconnected): reap live jobs
   * whose worker is gone, re-read them, read notices.
   */
  async #poll(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        await this.runtime.sleep(this.#pollIntervalMs, signal);
      } catch {
        return;
      }
      if (this.#redis.status !== 'ready') continue;
      try {
        // One script per live job, sent together; a job is re-read only when its state moved
        // without pub/sub telling us (output while running arrives by pub/sub, or by the
        // reload after a reconnect).
        const live = [...this.#jobs].filter(([, m]) => !isFinalState(m.job.state));
        const states = await Promise.all(
          live.map(([id, m]) =>
            this.#scripts.reap(
              [this.#keys.job(id), this.#keys.lock(id), this.#keys.bullJob(id)],
              [this.#keys.base, this.#keys.eventsChannel, id, this.#retainSeconds, this.tail(id), String(m.job.output.truncated)],
            ),
          ),
        );
        await Promise.all(live.map(([id, m], i) => (states[i] !== m.job.state ? this.#refresh(id, m) : undefined)));
        await this.bus.pull();
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  #entry(id: string): Mirror {
    const m = this.#jobs.get(id);
    if (!m) throw new UnknownJobError(id, [...this.#jobs.keys()]);
    return m;
  }

  get(id: string): Job {
    return { ...this.#entry(id).job };
  }

  list(): Job[] {
    return [...this.#jobs.values()].map((m) => ({ ...m.job }));
  }

  /** Reads output by absolute byte offset from the last state the worker streamed. */
  output(id: string, options: ReadOptions = {}): OutputSlice {
    return this.#entry(id).output.read(options);
  }

  tail(id: string, maxBytes = NOTICE_TAIL_BYTES, maxLines = NOTICE_TAIL_LINES): string {
    return this.#entry(id).output.tail(maxBytes, maxLines);
  }

  /**
   * Resolves when job `id` is ready, has ended (`exit`) or `timeoutMs` passed. Readiness is
   * watched on the worker by its local executor (a port is the worker machine's), so the
   * condition must be the job's own `ready` (given at submit); another one throws
   * {@link UnsupportedError}. Answers from the readiness the worker recorded with its `ready` notice.
   */
  async waitFor(id: string, options: WaitForOptions): Promise<WaitForResult> {
    const m = this.#entry(id);
    const asked = askedReadiness(options);
    const own = m.job.spec.ready;
    if (asked === undefined || own === undefined || JSON.stringify(asked) !== JSON.stringify(own)) {
      throw new UnsupportedError(
        `waitFor on the bullmq backend waits for the job's own ready condition (submit with ready: ${JSON.stringify(asked ?? {})})`,
      );
    }
    const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : this.runtime.now() + options.timeoutMs;
    for (;;) {
      if (options.signal?.aborted) throw new AbortedError();
      const seen = await readReadiness(this.#redis, this.#keys.job(id));
      if (seen) return { ...seen, job: this.get(id) };
      if (isFinalState(m.job.state)) return { met: 'exit', job: this.get(id) };
      const left = deadline - this.runtime.now();
      if (left <= 0) return { met: 'timeout', job: this.get(id) };
      const stop = new AbortController();
      await Promise.race([m.done, this.runtime.sleep(Math.min(left, 100), stop.signal).catch(() => {})]);
      stop.abort();
    }
  }

  /**
   * Writes `text` to the stdin of job `id` (submitted with `stdin: 'pipe'`) on its worker,
   * through a per-job list in Redis; resolves once the worker's executor wrote it, rejects with
   * {@link JobInputError} with the worker's reason (full pipe past its write timeout, stdin closed).
   */
  async write(id: string, text: string): Promise<void> {
    await this.#input(id, 'write', text);
  }

  /** Closes the stdin of job `id` on its worker: it reads end-of-file. */
  async closeStdin(id: string): Promise<void> {
    await this.#input(id, 'close', '');
  }

  async #input(id: string, op: 'write' | 'close', text: string): Promise<void> {
    const m = this.#entry(id);
    if (m.job.spec.stdin !== 'pipe') throw new JobInputError(id, "it was not submitted with stdin: 'pipe'");
    if (isFinalState(m.job.state)) throw new JobInputError(id, 'it has ended');
    await sendInput(
      this.#redis,
      this.runtime,
      {
        base: this.#keys.base,
        id,
        ttlSeconds: this.#retainSeconds,
        writeTimeoutMs: DEFAULT_WRITE_TIMEOUT_MS,
        ended: () => isFinalState(m.job.state),
      },
      op,
      text,
    );
  }

  /**
   * Kills job `id` wherever it is: a queued job ends `killed` at once (in Redis, atomically with
   * any worker taking it); for a running one every worker hears it on the kill channel (and
   * finds the flag on its next check) and the one running it kills its process group.
   */
  async kill(id: string): Promise<Job> {
    const m = this.#entry(id);
    if (isFinalState(m.job.state)) return { ...m.job };
    await this.#scripts.kill(
      [this.#keys.job(id)],
      [this.#keys.base, this.#keys.eventsChannel, this.#keys.killChannel, id, this.#retainSeconds],
    );
    void this.#refresh(id, m);
    return m.done;
  }

  async wait(ids: readonly string[], options: WaitOptions = {}): Promise<WaitResult> {
    const entries = ids.map((id) => this.#entry(id));
    if (options.timeoutMs !== undefined && !(options.timeoutMs >= 0)) {
      throw new InvalidJobSpecError([`timeoutMs: must be 0 or more, got ${String(options.timeoutMs)}`]);
    }
    return waitForEnds(
      this.runtime,
      entries,
      (e) => e.done,
      (e) => ({ ...e.job }),
      options,
      options.timeoutMs ?? Number.POSITIVE_INFINITY,
    );
  }

  /**
   * Stops accepting jobs; kills this host's live jobs (unless `killOnClose: false`) and waits
   * for them to end (bounded by `killGraceMs` plus `timeoutMs`), then disconnects.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#killOnClose && this.#redis.status === 'ready') {
      const live = [...this.#jobs.keys()].filter((id) => !isFinalState(this.#jobs.get(id)!.job.state));
      const bound = new AbortController();
      await Promise.race([
        Promise.all(live.map((id) => this.kill(id).catch((e) => this.#onError(e)))),
        this.runtime.sleep((options.killGraceMs ?? 2_000) + this.#timeoutMs, bound.signal).catch(() => {}),
      ]);
      bound.abort();
    }
    await this.#disconnect();
  }

  async #disconnect(): Promise<void> {
    this.#closed = true;
    this.#stop.abort();
    this.bus.close();
    await this.#bull?.close().catch(() => {});
    for (const c of [this.#sub, this.#redis]) {
      if (c.status === 'ready') await c.quit().catch(() => c.disconnect());
      else c.disconnect();
    }
  }
}
