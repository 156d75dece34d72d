/**
 * The executor contract every layer above takes (polling tools, injection, the agent loop, the
 * adapters, the MCP server): the local {@link BackgroundExecutor} and a distributed one (e.g.
 * `QueueExecutor` of `@bgtasks/bullmq`) both implement it, so nothing above knows which runs.
 *
 * Reads (`get`, `list`, `output`, `tail`) are synchronous: a distributed executor answers them
 * from a local mirror it keeps current. Writes may be asynchronous: `submit` returns a `Job`
 * or a promise of one, and a durable bus may need to persist `ack`/`release` before they
 * count; callers `await` both.
 */
import type { Job, JobSpec, Notice, ReadyMet } from './job.ts';
import type { ConsumerOptions, Lease } from './notification-bus.ts';
import type { OutputSlice, ReadOptions } from './output-buffer.ts';
import type { Runtime } from './runtime.ts';

/** One consumer's view of the notices: each reaches it exactly once, in completion order. */
export interface NoticeConsumer {
  readonly name: string;
  /** Notices neither delivered nor leased, oldest first. */
  pending(): Notice[];
  /** Number of notices leased and not yet settled. */
  readonly leased: number;
  /** Takes up to `max` pending notices (all by default) under a new lease. */
  lease(max?: number): Lease;
  /** Marks a lease's notices delivered; a durable bus resolves once that is stored. */
  ack(lease: Lease): void | Promise<void>;
  /** Returns a lease's notices to the front of the queue. */
  release(lease: Lease): void | Promise<void>;
  /** Resolves once at least one notice is pending. */
  ready(signal?: AbortSignal): Promise<void>;
  /** Awaits the next notice and marks it delivered. */
  next(signal?: AbortSignal): Promise<Notice>;
  /**
   * Removes this consumer from its bus: its pending and leased notices are dropped, waiters
   * rejected, and it no longer keeps ended jobs from being dropped. Optional: a bus whose
   * consumers hold nothing in memory may omit it.
   */
  close?(): void | Promise<void>;
}

/** Where notices are published and consumed. */
export interface NoticeBus {
  /** The consumer called `name`, created on first use. */
  consumer(name: string, options?: ConsumerOptions): NoticeConsumer;
  /** A snapshot of job `id`. */
  check(id: string): Job;
  /** Every notice still kept, in publication order. */
  history(): Notice[];
}

/** Options of {@link Executor.wait}. */
export interface WaitOptions {
  /** `any`: resolve when the first job ends; `all` (default): when all have. */
  mode?: 'any' | 'all';
  /** Give up after this long and report what still runs. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The result of {@link Executor.wait}. */
export interface WaitResult {
  /** Snapshots of the awaited jobs that have ended, in the order their ids were given. */
  ended: Job[];
  /** Ids of awaited jobs still queued or running. */
  pending: string[];
  /** True when `timeoutMs` passed before the condition was met. */
  timedOut: boolean;
}

/** Options of {@link Executor.waitFor}: exactly one of `pattern`, `port`, `idleMs`. */
export interface WaitForOptions {
  /** A regex matched against each output line (earlier lines still in memory count too). */
  pattern?: string;
  /** A TCP port a process of the job listens on (a connect to 127.0.0.1 where that cannot be known). */
  port?: number;
  /** No output for this long (ms). */
  idleMs?: number;
  /** Give up after this long; `met: 'timeout'`. Default: no limit. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The result of {@link Executor.waitFor}. */
export interface WaitForResult {
  /** The condition that held, `exit` when the job ended first, `timeout` when time ran out. */
  met: ReadyMet | 'exit' | 'timeout';
  /** A snapshot of the job at that moment (final when `met` is `exit`). */
  job: Job;
  /** With `pattern`: the matched line. */
  match?: string;
  /** With `port`: `unknown` when the runtime cannot tell which process listens (no `/proc`). */
  portOwner?: 'unknown';
}

/** Options of {@link Executor.close}. */
export interface CloseOptions {
  /** Grace between SIGTERM and SIGKILL for the jobs still alive. */
  killGraceMs?: number;
}

/** Runs shell commands as background jobs and publishes exactly one notice per job. */
export interface Executor {
  /** The host's runtime: its clock (`now`, `sleep`) times events and waits. */
  readonly runtime: Runtime;
  readonly bus: NoticeBus;
  /** Most jobs running at once (for this executor; a distributed one may also have a global cap). */
  readonly maxConcurrent: number;
  /** Validates `spec` and queues it. */
  submit(spec: JobSpec): Job | Promise<Job>;
  /** A snapshot of job `id`; throws `UnknownJobError` otherwise. */
  get(id: string): Job;
  /** Snapshots of every job kept, in submission order. */
  list(): Job[];
  /** Reads job output by absolute byte offset. */
  output(id: string, options?: ReadOptions): OutputSlice;
  /** The last lines of a job's output. */
  tail(id: string, maxBytes?: number, maxLines?: number): string;
  /** Kills job `id` (its whole process tree) and resolves with its final snapshot. */
  kill(id: string): Promise<Job>;
  /** Waits until the first (`any`) or every (`all`) job of `ids` has ended, or `timeoutMs`. */
  wait(ids: readonly string[], options?: WaitOptions): Promise<WaitResult>;
  /**
   * Resolves when job `id` is ready by `pattern`, `port` or `idleMs`, has ended (`exit`), or
   * `timeoutMs` passed; never hangs on a job that exits first.
   */
  waitFor(id: string, options: WaitForOptions): Promise<WaitForResult>;
  /** Writes `text` to the stdin of job `id` (spawned with `stdin: 'pipe'`). */
  write(id: string, text: string): Promise<void>;
  /** Closes the stdin of job `id`: it reads end-of-file. */
  closeStdin(id: string): Promise<void>;
  /** Stops accepting jobs, kills every live job and resolves when all have ended. */
  close(options?: CloseOptions): Promise<void>;
}
