/**
 * Runs shell commands as background jobs: a FIFO queue under a concurrency cap, per-job
 * timeouts, process-group kill (SIGTERM, grace, SIGKILL), bounded output and exactly one
 * notice per job on the {@link NotificationBus}.
 */

import { describeIssues } from './describe-issues.ts';
import { AbortedError, DuplicateJobIdError, ExecutorClosedError, InvalidJobSpecError, UnknownJobError } from './errors.ts';
import type { CloseOptions, Executor, WaitOptions, WaitResult } from './executor-api.ts';
import { type Deferred, deferred } from './internal/deferred.ts';
import { commandSlug } from './internal/job-id.ts';
import { type FinalJobState, isFinalState, type Job, type JobSpec, JobSpecSchema, type JobState } from './job.ts';
import { buildJobEnv } from './job-env.ts';
import { NotificationBus } from './notification-bus.ts';
import { OutputBuffer, type OutputLimits, type OutputSlice, type ReadOptions } from './output-buffer.ts';
import { quoteInput } from './quote-input.ts';
import type { JobRegistry, ReapedJob } from './registry.ts';
import type { Child, ExitStatus, Runtime } from './runtime.ts';

/** Options of {@link BackgroundExecutor}. */
export interface ExecutorOptions {
  /** Most jobs running at once; the rest wait in FIFO order. Default 4. */
  maxConcurrent?: number;
  /** Timeout of a job whose spec names none. Default 30 minutes. */
  defaultTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when a job is killed or times out. Default 2000 ms. */
  killGraceMs?: number;
  /** Output kept per job. */
  outputLimit?: OutputLimits;
  /** The bus notices go to; a new one by default (see {@link BackgroundExecutor.bus}). */
  bus?: NotificationBus;
  /** Secret-looking host variables to pass to jobs anyway (all others of that kind are dropped). */
  allowEnv?: readonly string[];
  /** Variables set in every job's environment. */
  env?: Readonly<Record<string, string>>;
  /** Kill every job group when the host gets SIGINT/SIGTERM or exits. Default true. */
  killOnShutdown?: boolean;
  /**
   * Records running job groups; on construction, leftovers of dead hosts are reaped (see
   * {@link BackgroundExecutor.reaped}).
   */
  registry?: JobRegistry;
  /**
   * Confine jobs to this directory: a job's `cwd` (relative to the root, or absolute) must
   * resolve, symlinks included, to the root or below it; jobs without `cwd` run in the root.
   * Needs a runtime with `realPath`.
   */
  cwdRoot?: string;
}

export const DEFAULT_MAX_CONCURRENT = 4;
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_KILL_GRACE_MS = 2_000;
/** Grace between SIGTERM and SIGKILL when the host is shutting down on a signal. */
export const SHUTDOWN_KILL_GRACE_MS = 250;
/** Bytes of output shown in a notice. */
export const NOTICE_TAIL_BYTES = 2_000;
/** Lines of output shown in a notice. */
export const NOTICE_TAIL_LINES = 20;

interface Entry {
  id: string;
  spec: JobSpec;
  state: JobState;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  pid?: number;
  exitCode?: number | null;
  signal?: string | null;
  forced?: boolean;
  error?: string;
  child?: Child;
  ending?: 'killed' | 'timed_out';
  /** The main process has exited; only draining output remains. */
  exited?: boolean;
  /** Aborts the job's timeout and kill-grace timers; dropped once the job has ended. */
  timers?: AbortController;
  buffer: OutputBuffer;
  done: Deferred<Job>;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidJobSpecError([`${name}: must be a positive number, got ${String(value)}`]);
  }
  return value;
}

/**
 * @example
 * const executor = new BackgroundExecutor(createRuntime(), { maxConcurrent: 2 });
 * const job = executor.submit({ command: 'npm test', timeoutMs: 120_000 });
 * const { ended } = await executor.wait([job.id]);
 * await executor.close();
 */
export class BackgroundExecutor implements Executor {
  readonly runtime: Runtime;
  readonly bus: NotificationBus;
  readonly maxConcurrent: number;
  readonly defaultTimeoutMs: number;
  readonly killGraceMs: number;
  /**
   * What the registry found at start: jobs of hosts that died without cleaning up, now `lost`
   * (their groups killed where still alive). They are not this executor's jobs: they are not
   * in {@link list} and publish no notice, so no model is told about work it never started.
   */
  readonly reaped: readonly ReapedJob[];
  readonly #options: ExecutorOptions;
  readonly #jobs = new Map<string, Entry>();
  readonly #queue: Entry[] = [];
  #running = 0;
  #idCounter = 0;
  #closed = false;
  readonly #offShutdown: (() => void) | undefined;

  constructor(runtime: Runtime, options: ExecutorOptions = {}) {
    this.runtime = runtime;
    this.#options = options;
    this.maxConcurrent = Math.floor(positiveInt('maxConcurrent', options.maxConcurrent, DEFAULT_MAX_CONCURRENT));
    this.defaultTimeoutMs = positiveInt('defaultTimeoutMs', options.defaultTimeoutMs, DEFAULT_TIMEOUT_MS);
    this.killGraceMs = positiveInt('killGraceMs', options.killGraceMs, DEFAULT_KILL_GRACE_MS);
    this.bus = options.bus ?? new NotificationBus();
    this.bus.attach(this);
    this.reaped = options.registry?.reap() ?? [];
    this.#offShutdown = options.killOnShutdown === false ? undefined : runtime.onShutdown((reason) => this.#onShutdown(reason));
  }

  /** Number of jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Validates `spec` and queues it; it starts at once when fewer than `maxConcurrent` run. */
  submit(spec: JobSpec): Job {
    if (this.#closed) throw new ExecutorClosedError();
    const parsed = JobSpecSchema.safeParse(spec);
    if (!parsed.success) {
      throw new InvalidJobSpecError([
        ...describeIssues(parsed.error),
        'valid fields: command (non-empty string), id?, cwd?, env?, timeoutMs? (positive integer), label?',
      ]);
    }
    const clean = parsed.data;
    if (this.#options.cwdRoot !== undefined) clean.cwd = this.#confine(clean.cwd);
    if (clean.id !== undefined && this.#jobs.has(clean.id)) {
      throw new DuplicateJobIdError(clean.id, [...this.#jobs.keys()]);
    }
    const id = clean.id ?? this.#newId(clean.command);
    const entry: Entry = {
      id,
      spec: { ...clean, id },
      state: 'queued',
      queuedAt: this.runtime.now(),
      timers: new AbortController(),
      buffer: new OutputBuffer(this.#options.outputLimit),
      done: deferred<Job>(),
    };
    this.#jobs.set(id, entry);
    this.#queue.push(entry);
    this.#pump();
    return this.#snapshot(entry);
  }

  /** Resolves `cwd` against `cwdRoot`, symlinks included, and refuses anything outside it. */
  #confine(cwd: string | undefined): string {
    const realPath = this.runtime.realPath?.bind(this.runtime);
    if (!realPath) {
      throw new InvalidJobSpecError([`cwdRoot needs a runtime with realPath(); the ${this.runtime.name} runtime has none`]);
    }
    let root: string;
    try {
      root = realPath(this.#options.cwdRoot ?? '/');
    } catch {
      throw new InvalidJobSpecError([`cwdRoot: "${this.#options.cwdRoot}" does not exist; pass an existing directory`]);
    }
    if (cwd === undefined) return root;
    const target = cwd.startsWith('/') ? cwd : `${root}/${cwd}`;
    let real: string;
    try {
      real = realPath(target);
    } catch {
      throw new InvalidJobSpecError([`cwd: ${quoteInput(cwd)} does not exist (jobs run inside ${root})`]);
    }
    if (real !== root && !real.startsWith(root.endsWith('/') ? root : `${root}/`)) {
      throw new InvalidJobSpecError([
        `cwd: ${quoteInput(cwd)} resolves to ${real}, which is outside the allowed root ${root}; use a directory inside it`,
      ]);
    }
    return real;
  }

  #newId(command: string): string {
    const slug = commandSlug(command);
    let id: string;
    do id = `${slug}-${++this.#idCounter}`;
    while (this.#jobs.has(id));
    return id;
  }

  #entry(id: string): Entry {
    const entry = this.#jobs.get(id);
    if (!entry) throw new UnknownJobError(id, [...this.#jobs.keys()]);
    return entry;
  }

  /** A snapshot of job `id`; throws {@link UnknownJobError} (listing the known ids) otherwise. */
  get(id: string): Job {
    return this.#snapshot(this.#entry(id));
  }

  /** Snapshots of every job, in submission order. */
  list(): Job[] {
    return [...this.#jobs.values()].map((e) => this.#snapshot(e));
  }

  /** Reads job output by absolute byte offset; see {@link OutputBuffer.read}. */
  output(id: string, options: ReadOptions = {}): OutputSlice {
    return this.#entry(id).buffer.read(options);
  }

  /** The last lines of a job's output. */
  tail(id: string, maxBytes = NOTICE_TAIL_BYTES, maxLines = NOTICE_TAIL_LINES): string {
    return this.#entry(id).buffer.tail(maxBytes, maxLines);
  }

  /**
   * Kills job `id`: a queued job ends at once, a running one gets SIGTERM on its group, then
   * SIGKILL after `killGraceMs`. Resolves with the final snapshot. An ended job is returned
   * unchanged.
   */
  async kill(id: string): Promise<Job> {
    const entry = this.#entry(id);
    this.#terminate(entry, 'killed', this.killGraceMs);
    return entry.done.promise;
  }

  /** Waits until the first (`any`) or every (`all`) job of `ids` has ended, or `timeoutMs`. */
  async wait(ids: readonly string[], options: WaitOptions = {}): Promise<WaitResult> {
    const entries = ids.map((id) => this.#entry(id));
    const mode = options.mode ?? 'all';
    if (options.timeoutMs !== undefined && !(options.timeoutMs >= 0)) {
      throw new InvalidJobSpecError([`timeoutMs: must be 0 or more, got ${String(options.timeoutMs)}`]);
    }
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) throw new AbortedError();
      const dones = entries.map((e) => e.done.promise);
      const condition = entries.length === 0 ? Promise.resolve() : mode === 'any' ? Promise.race(dones) : Promise.all(dones);
      const racers: Promise<unknown>[] = [condition.then(() => 'met' as const)];
      if (options.timeoutMs !== undefined) {
        racers.push(this.runtime.sleep(options.timeoutMs, stop.signal).then(() => 'timeout' as const));
      }
      if (options.signal) {
        racers.push(
          new Promise((_, reject) => stop.signal.addEventListener('abort', () => reject(new AbortedError()), { once: true })),
        );
      }
      const outcome = await Promise.race(racers);
      const snaps = entries.map((e) => this.#snapshot(e));
      return {
        ended: snaps.filter((j) => isFinalState(j.state)),
        pending: snaps.filter((j) => !isFinalState(j.state)).map((j) => j.id),
        timedOut: outcome === 'timeout',
      };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
  }

  /** Stops accepting jobs, kills every live job group and resolves when all have ended. */
  async close(options: CloseOptions = {}): Promise<void> {
    this.#closed = true;
    this.#offShutdown?.();
    const grace = options.killGraceMs ?? this.killGraceMs;
    const live = [...this.#jobs.values()].filter((e) => !isFinalState(e.state));
    for (const e of live) this.#terminate(e, 'killed', grace);
    await Promise.all(live.map((e) => e.done.promise));
  }

  /** On a signal: close with a short grace. On exit: nothing can wait, so SIGKILL every group now. */
  #onShutdown(reason: string): Promise<void> | undefined {
    if (reason !== 'exit') return this.close({ killGraceMs: SHUTDOWN_KILL_GRACE_MS });
    this.#closed = true;
    for (const e of this.#jobs.values()) if (!isFinalState(e.state)) e.child?.kill('SIGKILL');
    return undefined;
  }

  #pump(): void {
    while (this.#running < this.maxConcurrent && this.#queue.length > 0) {
      const entry = this.#queue.shift();
      if (entry) void this.#run(entry);
    }
  }

  async #run(entry: Entry): Promise<void> {
    this.#running++;
    entry.state = 'running';
    entry.startedAt = this.runtime.now();
    let status: ExitStatus;
    try {
      const env = buildJobEnv(this.runtime.env(), {
        ...(this.#options.allowEnv ? { allow: this.#options.allowEnv } : {}),
        set: { ...this.#options.env, ...entry.spec.env },
      });
      const child = this.runtime.spawn(entry.spec.command, {
        ...(entry.spec.cwd !== undefined ? { cwd: entry.spec.cwd } : {}),
        env,
      });
      entry.child = child;
      entry.pid = child.pid;
      if (child.pid > 0) this.#options.registry?.add({ jobId: entry.id, pgid: child.pid, command: entry.spec.command });
      const timeoutMs = entry.spec.timeoutMs ?? this.defaultTimeoutMs;
      this.runtime.sleep(timeoutMs, entry.timers?.signal).then(
        () => this.#terminate(entry, 'timed_out', this.killGraceMs),
        () => {},
      );
      const reading = Promise.all([this.#collect(entry, child.stdout), this.#collect(entry, child.stderr)]);
      status = await child.exited;
      entry.exited = true;
      await reading;
      // The job is its main process; anything it left behind in its group goes with it.
      child.kill('SIGKILL');
    } catch (error) {
      status = { code: null, signal: null, error: error instanceof Error ? error.message : String(error) };
    }
    this.#running--;
    this.#finish(entry, status);
    this.#pump();
  }

  async #collect(entry: Entry, stream: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of stream) entry.buffer.append(chunk);
    } catch {
      // A stream torn down at exit is not an error of the job.
    }
  }

  #terminate(entry: Entry, reason: 'killed' | 'timed_out', graceMs: number): void {
    if (isFinalState(entry.state) || entry.ending || entry.exited) return;
    entry.ending = reason;
    if (entry.state === 'queued') {
      const at = this.#queue.indexOf(entry);
      if (at >= 0) this.#queue.splice(at, 1);
      this.#finish(entry, { code: null, signal: null });
      return;
    }
    entry.child?.kill('SIGTERM');
    this.runtime.sleep(graceMs, entry.timers?.signal).then(
      () => {
        if (isFinalState(entry.state) || !entry.child) return;
        entry.forced = true;
        entry.child.kill('SIGKILL');
      },
      () => {},
    );
  }

  #finish(entry: Entry, status: ExitStatus): void {
    if (isFinalState(entry.state)) return;
    entry.timers?.abort();
    delete entry.timers;
    if (entry.child && entry.child.pid > 0) this.#options.registry?.remove(entry.id);
    const state: FinalJobState = entry.ending ?? (status.error === undefined && status.code === 0 ? 'completed' : 'failed');
    entry.state = state;
    entry.endedAt = this.runtime.now();
    entry.exitCode = status.code;
    entry.signal = status.signal;
    if (status.error !== undefined) {
      entry.error = status.error;
      entry.buffer.append(new TextEncoder().encode(`bgtasks: could not start the job: ${status.error}\n`));
    }
    const snap = this.#snapshot(entry);
    this.bus.publish({
      jobId: entry.id,
      state,
      exitCode: status.code,
      signal: status.signal,
      durationMs: entry.startedAt === undefined ? 0 : entry.endedAt - entry.startedAt,
      outputBytes: entry.buffer.totalBytes,
      tail: entry.buffer.tail(NOTICE_TAIL_BYTES, NOTICE_TAIL_LINES),
      truncated: entry.buffer.truncated,
      endedAt: entry.endedAt,
      command: entry.spec.command,
      ...(entry.spec.label !== undefined ? { label: entry.spec.label } : {}),
    });
    // The child (its streams, the runtime's process handle) is not needed once the job has
    // ended; a long-lived host must not keep one per finished job.
    delete entry.child;
    entry.done.resolve(snap);
  }

  #snapshot(e: Entry): Job {
    const job: Job = {
      id: e.id,
      spec: { ...e.spec },
      state: e.state,
      queuedAt: e.queuedAt,
      output: { bytes: e.buffer.totalBytes, omittedBytes: e.buffer.omittedBytes, truncated: e.buffer.truncated },
    };
    if (e.pid !== undefined) job.pid = e.pid;
    if (e.exitCode !== undefined) job.exitCode = e.exitCode;
    if (e.signal !== undefined) job.signal = e.signal;
    if (e.forced !== undefined) job.forced = e.forced;
    if (e.error !== undefined) job.error = e.error;
    if (e.startedAt !== undefined) job.startedAt = e.startedAt;
    if (e.endedAt !== undefined) job.endedAt = e.endedAt;
    return job;
  }
}
