/**
 * The worker side: a BullMQ worker whose processor runs each job with a local
 * {@link BackgroundExecutor} (process group, timeout, bounded output, secret scrubbing, cwd
 * confinement), streams its output (head + tail + exact total) and state to Redis while it
 * runs, and ends it with the script that appends the notice to the owner's stream.
 */
import {
  BackgroundExecutor,
  checkSandbox,
  DEFAULT_MAX_CONCURRENT,
  InvalidJobSpecError,
  type JobRegistry,
  type JobSpec,
  NOTICE_TAIL_BYTES,
  NOTICE_TAIL_LINES,
  type OutputLimits,
  type ReapedJob,
  type Runtime,
  type SandboxSpec,
} from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { type Job as BullJob, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { RedisUnavailableError } from './errors.ts';
import { blockingConnection, commandConnection, DEFAULT_REDIS_URL, redactUrl, redisUrlFromEnv } from './internal/connection.ts';
import { queueKeys } from './internal/keys.ts';
import { defineScripts } from './internal/scripts.ts';
import { JobHashSchema } from './internal/wire.ts';
import { DEFAULT_PREFIX, DEFAULT_QUEUE, DEFAULT_RETAIN_MS } from './queue-executor.ts';
import { startRelay } from './relay-notices.ts';
import { feedStdin } from './relay-stdin.ts';

/** Default BullMQ lock duration: a dead worker's job is declared `lost` this long after its last renewal. */
export const DEFAULT_LOCK_DURATION_MS = 30_000;

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  /** Redis URL (with credentials: `redis://user:password@host:port`). Default `$BGTASKS_REDIS_URL`, else `redis://127.0.0.1:6379`. */
  redis?: string;
  /** BullMQ queue name. Default `bgtasks`. */
  queue?: string;
  /** BullMQ key prefix. Default `bgtasks`. */
  prefix?: string;
  /** This worker's name (shown in job records). Default a random one. */
  name?: string;
  /** Jobs this worker runs at once. Default 4. */
  concurrency?: number;
  /** Sets the queue's global cap (BullMQ `setGlobalConcurrency`): jobs running at once across all workers. */
  globalConcurrency?: number;
  /** BullMQ lock duration; a worker silent this long has its jobs declared `lost`. Default 30 s. */
  lockDurationMs?: number;
  /** How often running jobs' output is streamed to Redis. Default 250 ms. */
  flushIntervalMs?: number;
  /** How long ended jobs stay in Redis. Default one day. */
  retainMs?: number;
  runtime?: Runtime;
  /** Passed to the local executor: a job's own timeout wins. */
  defaultTimeoutMs?: number;
  killGraceMs?: number;
  outputLimit?: OutputLimits;
  /** Secret-looking variables of the worker's environment to pass to jobs anyway. */
  allowEnv?: readonly string[];
  /** Confine jobs to this directory on the worker's machine. */
  cwdRoot?: string;
  /**
   * Run every job in this worker's OS sandbox (see docs/sandbox.md). The worker's machine
   * enforces it: a submitted job's own `sandbox` is ignored, so a client cannot widen or drop it.
   * Checked at start: {@link SandboxUnavailableError} when this machine cannot sandbox.
   */
  sandbox?: SandboxSpec;
  /**
   * Records the job groups this worker runs (e.g. `createJobRegistry({ dir })` of
   * `@bgtasks/runtime`), so that after a worker is SIGKILLed the next worker started with the
   * same registry kills what it left running (see {@link QueueWorker.reaped}).
   */
  registry?: JobRegistry;
  /** Give up connecting after this long. Default 5000 ms. */
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

/** A running worker. */
export interface QueueWorker {
  readonly name: string;
  /** Jobs running on this worker now. */
  readonly running: number;
  /** Job groups of dead workers found in the registry at start (killed where still alive). */
  readonly reaped: readonly ReapedJob[];
  /** Stops taking jobs, kills the running ones (they end `killed`, with their notices) and disconnects. */
  close(): Promise<void>;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidJobSpecError([`${name}: must be a positive number, got ${String(value)}`]);
  }
  return value;
}

/** Wait between retries of a state write while Redis is away. */
const RETRY_MS = 200;

/**
 * Connects to Redis and starts taking jobs from the queue.
 * @example
 * const worker = await startWorker({ redis: 'redis://127.0.0.1:6379', queue: 'builds', concurrency: 4 });
 * // ... later
 * await worker.close();
 */
export async function startWorker(options: StartWorkerOptions = {}): Promise<QueueWorker> {
  const runtime = options.runtime ?? createRuntime();
  const sandbox = checkSandbox(runtime, options.sandbox);
  const concurrency = Math.floor(positive('concurrency', options.concurrency, DEFAULT_MAX_CONCURRENT));
  const lockDuration = Math.floor(positive('lockDurationMs', options.lockDurationMs, DEFAULT_LOCK_DURATION_MS));
  const flushMs = positive('flushIntervalMs', options.flushIntervalMs, 250);
  const retainSeconds = Math.ceil(positive('retainMs', options.retainMs, DEFAULT_RETAIN_MS) / 1000);
  const timeoutMs = positive('timeoutMs', options.timeoutMs, 5_000);
  const onError = options.onError ?? (() => {});
  const name = options.name ?? `worker-${crypto.randomUUID()}`;
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const rawUrl = options.redis ?? redisUrlFromEnv(runtime) ?? DEFAULT_REDIS_URL;
  const url = redactUrl(rawUrl);
  const keys = queueKeys(prefix, queueName);

  const redis: Redis = commandConnection(rawUrl, `bgtasks:worker:${name}`);
  const sub: Redis = blockingConnection(rawUrl, `bgtasks:worker-sub:${name}`);
  for (const c of [redis, sub]) c.on('error', onError);
  // The first connection error says why ("connect ECONNREFUSED"); the failed connect only "Connection is closed.".
  let firstError: unknown;
  const noteError = (error: unknown): void => {
    firstError ??= error;
  };
  for (const c of [redis, sub]) c.once('error', noteError);
  const stopConnecting = new AbortController();
  try {
    await Promise.race([
      Promise.all([redis.connect(), sub.connect()]),
      runtime.sleep(timeoutMs, stopConnecting.signal).then(() => {
        throw new RedisUnavailableError(url, `no connection within ${timeoutMs} ms`);
      }),
    ]);
  } catch (error) {
    redis.disconnect();
    sub.disconnect();
    const reason = firstError ?? error;
    if (RedisUnavailableError.isInstance(error) && firstError === undefined) throw error;
    throw new RedisUnavailableError(url, reason instanceof Error ? reason.message : String(reason), { cause: reason });
  } finally {
    stopConnecting.abort();
    for (const c of [redis, sub]) c.off('error', noteError);
  }
  const scripts = defineScripts(redis);
  const reaped = options.registry?.reap() ?? [];
  // Per-job executors record into the registry but do not scan it again: that was done above.
  const registry: JobRegistry | undefined = options.registry && {
    add: (record) => options.registry?.add(record),
    remove: (jobId) => options.registry?.remove(jobId),
    reap: () => [],
  };

  /** Local executors of the jobs running here, by job id (one executor per job: its memory goes with it). */
  const local = new Map<string, BackgroundExecutor>();

  /** Retries a Redis write until it lands (the job's end must reach the owner) or the worker closes. */
  async function persist<T>(write: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await write();
      } catch (error) {
        onError(error);
        await runtime.sleep(RETRY_MS);
      }
    }
  }

  async function killIfRequested(id: string): Promise<void> {
    const executor = local.get(id);
    if (!executor) return;
    if ((await redis.hget(keys.job(id), 'kill')) === '1') void executor.kill(id).catch(onError);
  }

  async function run(bullJob: BullJob): Promise<void> {
    const id = bullJob.id;
    if (id === undefined) return;
    const jobKey = keys.job(id);
    const before = await scripts.start([jobKey], [keys.eventsChannel, id, name]);
    // Ended already (killed while queued, declared lost) or unknown: never run it.
    if (before !== 'queued') return;
    const raw = await redis.hgetall(jobKey);
    const parsed = JobHashSchema.safeParse(raw);
    const executor = new BackgroundExecutor(runtime, {
      maxConcurrent: 1,
      ...(options.defaultTimeoutMs !== undefined ? { defaultTimeoutMs: options.defaultTimeoutMs } : {}),
      ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
      ...(options.outputLimit !== undefined ? { outputLimit: options.outputLimit } : {}),
      ...(options.allowEnv !== undefined ? { allowEnv: options.allowEnv } : {}),
      ...(options.cwdRoot !== undefined ? { cwdRoot: options.cwdRoot } : {}),
      ...(sandbox !== undefined ? { sandbox } : {}),
      ...(registry ? { registry } : {}),
    });
    try {
      let spec: JobSpec;
      try {
        if (!parsed.success) throw new Error(`the job record in Redis is malformed`);
        spec = parsed.data.spec;
        executor.submit(sandbox === undefined ? { ...spec, id } : { ...spec, id, sandbox });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const text = `bgtasks: could not start the job: ${message}`;
        await persist(() =>
          scripts.finish(
            [jobKey],
            [
              keys.base,
              keys.eventsChannel,
              id,
              'failed',
              '',
              '',
              '',
              message,
              Buffer.byteLength(text),
              0,
              text,
              'false',
              retainSeconds,
            ],
          ),
        );
        return;
      }
      local.set(id, executor);
      await killIfRequested(id);
      const stopFlushing = new AbortController();
      const flushing = flushLoop(id, executor, stopFlushing.signal);
      // ready / progress notices go to the owner's stream as they come, all before the final one.
      const relay = startRelay(executor, { redis, jobKey, base: keys.base, events: keys.eventsChannel, id, onError });
      const feeding =
        spec.stdin === 'pipe'
          ? feedStdin(redis, runtime, executor, { base: keys.base, id, onError }, stopFlushing.signal)
          : undefined;
      const { ended } = await executor.wait([id]);
      await relay.stop();
      const final = ended[0] ?? executor.get(id);
      local.delete(id);
      stopFlushing.abort();
      await flushing.catch(() => {});
      await feeding?.catch(() => {});
      const snap = executor.outputSnapshot(id);
      const omitted = snap.totalBytes - snap.head.length - snap.tail.length;
      await persist(() =>
        scripts.finish(
          [jobKey],
          [
            keys.base,
            keys.eventsChannel,
            id,
            final.state,
            final.exitCode ?? '',
            final.signal ?? '',
            final.forced ? '1' : '',
            final.error ?? '',
            snap.totalBytes,
            omitted,
            executor.tail(id, NOTICE_TAIL_BYTES, NOTICE_TAIL_LINES),
            String(omitted > 0),
            retainSeconds,
            'outHead',
            Buffer.from(snap.head),
            'outTail',
            Buffer.from(snap.tail),
          ],
        ),
      );
    } finally {
      local.delete(id);
      await executor.close();
    }
  }

  /** Streams a running job's output to Redis: the head until it is full, the tail and totals each time they change. */
  async function flushLoop(id: string, executor: BackgroundExecutor, signal: AbortSignal): Promise<void> {
    let sentTotal = -1;
    let sentHead = -1;
    let sentPid = false;
    while (!signal.aborted) {
      const job = executor.get(id);
      const snap = executor.outputSnapshot(id);
      if (snap.totalBytes !== sentTotal || (!sentPid && job.pid !== undefined)) {
        const fields: (string | number | Buffer)[] = [
          'outTotal',
          snap.totalBytes,
          'outOmitted',
          snap.totalBytes - snap.head.length - snap.tail.length,
          'outTail',
          Buffer.from(snap.tail),
        ];
        if (snap.head.length !== sentHead) fields.push('outHead', Buffer.from(snap.head));
        if (job.pid !== undefined) fields.push('pid', job.pid);
        try {
          await scripts.progress([keys.job(id)], [keys.eventsChannel, id, ...fields]);
          sentTotal = snap.totalBytes;
          sentHead = snap.head.length;
          sentPid = job.pid !== undefined;
        } catch (error) {
          onError(error);
        }
      }
      await runtime.sleep(flushMs, signal).catch(() => {});
    }
  }

  sub.on('message', (channel: string, id: string) => {
    if (channel === keys.killChannel) void local.get(id)?.kill(id).catch(onError);
  });
  await sub.subscribe(keys.killChannel);
  // Kill messages sent while the subscriber was reconnecting are lost; the flag is not.
  const stopChecks = new AbortController();
  void (async () => {
    while (!stopChecks.signal.aborted) {
      try {
        await runtime.sleep(1_000, stopChecks.signal);
        for (const id of local.keys()) await killIfRequested(id);
      } catch (error) {
        if (stopChecks.signal.aborted) return;
        onError(error);
      }
    }
  })();

  if (options.globalConcurrency !== undefined) {
    const cap = Math.floor(positive('globalConcurrency', options.globalConcurrency, 1));
    const queue = new Queue(queueName, { connection: redis, prefix });
    await queue.setGlobalConcurrency(cap);
    await queue.close();
  }

  // BullMQ does not close a connection it is given: it is quit below.
  const bullConnection = blockingConnection(rawUrl, `bgtasks:worker-bull:${name}`);
  bullConnection.on('error', onError);
  const worker = new Worker(queueName, run, {
    connection: bullConnection,
    prefix,
    name,
    concurrency,
    lockDuration,
    // A shell command is never re-run behind anyone's back: a stalled job fails (and is reaped as lost).
    maxStalledCount: 0,
    stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
    removeOnComplete: { count: 0 },
    removeOnFail: { age: retainSeconds, count: 1000 },
    drainDelay: 1,
  });
  worker.on('error', onError);
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      offShutdown();
      stopChecks.abort();
      const stopped = worker.close();
      await Promise.all([...local.entries()].map(([id, executor]) => executor.kill(id).catch(onError)));
      await stopped;
      for (const c of [sub, redis, bullConnection]) await c.quit().catch(() => c.disconnect());
    })();
    return closing;
  };
  // On SIGINT/SIGTERM the running jobs end `killed`, with their notices, before the process goes.
  const offShutdown = runtime.onShutdown(() => close());
  return {
    name,
    get running() {
      return local.size;
    },
    reaped,
    close,
  };
}
