/**
 * Runs shell commands as background jobs: a FIFO queue under a concurrency cap, per-job
 * timeouts, process-group kill (SIGTERM, grace, SIGKILL), bounded output and exactly one
 * notice per job on the {@link NotificationBus}.
 */

import { describeIssues } from './describe-issues.ts';
import { checkDuration } from './duration.ts';
import {
  AbortedError,
  DuplicateJobIdError,
  ExecutorClosedError,
  InvalidJobSpecError,
  JobDroppedError,
  UnknownJobError,
} from './errors.ts';
import type { CloseOptions, Executor, WaitOptions, WaitResult } from './executor-api.ts';
import { type Deferred, deferred } from './internal/deferred.ts';
import { commandSlug } from './internal/job-id.ts';
import { type FinalJobState, isFinalState, type Job, type JobSpec, JobSpecSchema, type JobState } from './job.ts';
import { buildJobEnv } from './job-env.ts';
import { NotificationBus } from './notification-bus.ts';
import { OutputBuffer, type OutputLimits, type OutputSlice, type OutputSnapshot, type ReadOptions } from './output-buffer.ts';
import { quoteInput } from './quote-input.ts';
import type { JobRegistry, ReapedJob } from './registry.ts';
import type { Child, ExitStatus, Runtime } from './runtime.ts';

/** Options of {@link BackgroundExecutor}. */
export interface ExecutorOptions {
  /** Most jobs running at once; the rest wait in FIFO order. Default 4. */
  maxConcurrent?: number;
  /** Timeout of a job whose spec names none; `Infinity` for none. Default 30 minutes. */
  defaultTimeoutMs?: number;
  /**
   * Time between SIGTERM and SIGKILL when a job is killed or times out: every process of the job
   * (leader, group, escaped descendants) gets this long to exit. Default 2000 ms.
   */
  killGraceMs?: number;
  /**
   * Most ended jobs kept (snapshot, output, notice); older ones are dropped once their notice
   * has been delivered to every consumer. Default {@link DEFAULT_RETAIN_JOBS}.
   */
  retainJobs?: number;
  /**
   * How long an ended job is kept after it ended (once its notice was delivered); `Infinity`
   * keeps it until `retainJobs` pushes it out. Default {@link DEFAULT_RETAIN_MS}.
   */
  retainMs?: number;
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
  /**
   * Off by default. Run every job as another user through `setpriv` (util-linux): the job then
   * cannot read the host's environment from `/proc/<host pid>/environ`, nor the host user's
   * private files (`~/.ssh`, `~/.aws`, `~/.npmrc`), nor signal the host. Needs a host running
   * as root (or with CAP_SETUID and CAP_SETGID), `setpriv` on the PATH, and a working directory
   * that user may enter. Environment scrubbing alone is hygiene; this is a boundary.
   */
  isolation?: JobIsolation;
}

/** The user a job runs as (see {@link ExecutorOptions.isolation}). */
export interface JobIsolation {
  /** Numeric user id, e.g. 65534 (`nobody`). */
  uid: number;
  /** Numeric group id; the same number as `uid` by default. */
  gid?: number;
}

/** Quotes `text` as one word for `sh`. */
function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export const DEFAULT_MAX_CONCURRENT = 4;
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_KILL_GRACE_MS = 2_000;
/** Ended jobs kept by default. */
export const DEFAULT_RETAIN_JOBS = 1_000;
/** How long an ended job is kept by default: one hour. */
export const DEFAULT_RETAIN_MS = 60 * 60_000;
/** Ids of dropped jobs remembered (to say "dropped" rather than "unknown"). */
const DROPPED_IDS_KEPT = 10_000;
/** How often the processes of a dying job are checked during its grace. */
const KILL_POLL_MS = 25;
/** How long SIGKILLed processes may take to leave the process table before we stop waiting. */
const SIGKILL_WAIT_MS = 2_000;
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
  /** Tag in the job's environment that finds its escaped descendants. */
  marker: string;
  ending?: 'killed' | 'timed_out';
  /** When SIGKILL follows the SIGTERM of a kill or timeout (clock ms); shutdown may move it closer. */
  killDeadline?: number;
  /** Resolves once every process of a killed or timed-out job is gone. */
  terminated?: Promise<void>;
  /** The main process has exited; only draining output remains. */
  exited?: boolean;
  /** Aborts the job's timeout and kill-grace timers; dropped once the job has ended. */
  timers?: AbortController;
  buffer: OutputBuffer;
  done: Deferred<Job>;
}

/** True when two environments hold the same names with the same values. */
function sameEnv(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  let n = 0;
  for (const name in a) {
    if (a[name] !== b[name]) return false;
    n++;
  }
  return n === Object.keys(b).length;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidJobSpecError([`${name}: must be a positive number, got ${String(value)}`]);
  }
  return value;
}

function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidJobSpecError([`${name}: must be a whole number, 0 or more, got ${String(value)}`]);
  }
  return value;
}

/** A marker no other job of any host shares (see {@link SpawnOptions.marker}). */
function newMarker(): string {
  return `bgt-${crypto.randomUUID()}`;
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
  readonly retainJobs: number;
  readonly retainMs: number;
  /**
   * What the registry found at start: jobs of hosts that died without cleaning up, now `lost`
   * (their groups killed where still alive). They are not this executor's jobs: they are not
   * in {@link list} and publish no notice, so no model is told about work it never started.
   */
  readonly reaped: readonly ReapedJob[];
  readonly #options: ExecutorOptions;
  readonly #jobs = new Map<string, Entry>();
  readonly #queue: Entry[] = [];
  /** Ended jobs in the order they ended: candidates for dropping. */
  #ended: Entry[] = [];
  /** Ids of dropped jobs, oldest first, at most {@link DROPPED_IDS_KEPT}. */
  readonly #dropped = new Set<string>();
  #running = 0;
  #idCounter = 0;
  #closed = false;
  #hostEnvSource: Readonly<Record<string, string>> | undefined;
  #scrubbedEnv: Record<string, string> | undefined;
  readonly #offShutdown: (() => void) | undefined;

  constructor(runtime: Runtime, options: ExecutorOptions = {}) {
    this.runtime = runtime;
    this.#options = options;
    this.maxConcurrent = Math.floor(positiveInt('maxConcurrent', options.maxConcurrent, DEFAULT_MAX_CONCURRENT));
    this.defaultTimeoutMs = checkDuration('defaultTimeoutMs', options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS, {
      infinite: true,
    });
    this.killGraceMs = checkDuration('killGraceMs', options.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    this.retainJobs = count('retainJobs', options.retainJobs, DEFAULT_RETAIN_JOBS);
    this.retainMs = checkDuration('retainMs', options.retainMs ?? DEFAULT_RETAIN_MS, { zero: true, infinite: true });
    if (options.isolation !== undefined) {
      const { uid, gid = uid } = options.isolation;
      if (![uid, gid].every((n) => Number.isInteger(n) && n >= 0)) {
        throw new InvalidJobSpecError([
          `isolation: uid and gid must be whole numbers, 0 or more, got uid ${String(uid)}, gid ${String(gid)}`,
        ]);
      }
    }
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
        'valid fields: command (non-empty string), id?, cwd?, env? (NAME: value), timeoutMs? (positive integer or Infinity), label?',
      ]);
    }
    const clean = parsed.data;
    if (this.#options.cwdRoot !== undefined) clean.cwd = this.#confine(clean.cwd);
    if (clean.id !== undefined && this.#jobs.has(clean.id)) {
      throw new DuplicateJobIdError(clean.id, [...this.#jobs.keys()]);
    }
    const id = clean.id ?? this.#newId(clean.command);
    this.#dropped.delete(id);
    const entry: Entry = {
      id,
      spec: { ...clean, id },
      marker: newMarker(),
      state: 'queued',
      queuedAt: this.runtime.now(),
      timers: new AbortController(),
      buffer: new OutputBuffer(this.#options.outputLimit),
      done: deferred<Job>(),
    };
    this.#jobs.set(id, entry);
    this.#queue.push(entry);
    this.#prune();
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

  /**
   * The scrubbed host environment every job starts from. Scrubbing (names and value shapes) costs
   * more than a spawn's share of the budget, so it is redone only when the host environment
   * changed since the last job: one cheap comparison per job.
   */
  #hostEnv(): Record<string, string> {
    const host = this.runtime.env();
    const last = this.#hostEnvSource;
    if (last === undefined || !sameEnv(host, last) || this.#scrubbedEnv === undefined) {
      this.#hostEnvSource = host;
      this.#scrubbedEnv = buildJobEnv(host, this.#options.allowEnv ? { allow: this.#options.allowEnv } : {});
    }
    return this.#scrubbedEnv;
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
    if (entry) return entry;
    if (this.#dropped.has(id)) {
      throw new JobDroppedError(id, [...this.#jobs.keys()], `retainJobs ${this.retainJobs}, retainMs ${this.retainMs}`);
    }
    throw new UnknownJobError(id, [...this.#jobs.keys()]);
  }

  /**
   * A snapshot of job `id`; throws {@link JobDroppedError} for an ended job dropped under the
   * retention policy, {@link UnknownJobError} (listing the known ids) for any other id.
   */
  get(id: string): Job {
    return this.#snapshot(this.#entry(id));
  }

  /** Snapshots of every job kept (see `retainJobs`), in submission order. */
  list(): Job[] {
    this.#prune();
    return [...this.#jobs.values()].map((e) => this.#snapshot(e));
  }

  /** Reads job output by absolute byte offset; see {@link OutputBuffer.read}. */
  output(id: string, options: ReadOptions = {}): OutputSlice {
    return this.#entry(id).buffer.read(options);
  }

  /** The kept output bytes of job `id` (head, tail, total), e.g. to stream them to another process. */
  outputSnapshot(id: string): OutputSnapshot {
    return this.#entry(id).buffer.snapshot();
  }

  /** The last lines of a job's output. */
  tail(id: string, maxBytes = NOTICE_TAIL_BYTES, maxLines = NOTICE_TAIL_LINES): string {
    return this.#entry(id).buffer.tail(maxBytes, maxLines);
  }

  /**
   * Kills job `id`: a queued job ends at once; a running one gets SIGTERM on its group and on
   * its escaped descendants, and whatever of it is still alive `killGraceMs` later gets SIGKILL
   * (`forced: true`). Resolves with the final snapshot once every process is gone. An ended job
   * is returned unchanged.
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
    const timeoutMs =
      options.timeoutMs === undefined
        ? Number.POSITIVE_INFINITY
        : checkDuration('timeoutMs', options.timeoutMs, { zero: true, infinite: true });
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) throw new AbortedError();
      const dones = entries.map((e) => e.done.promise);
      const condition = entries.length === 0 ? Promise.resolve() : mode === 'any' ? Promise.race(dones) : Promise.all(dones);
      const racers: Promise<unknown>[] = [condition.then(() => 'met' as const)];
      if (timeoutMs !== Number.POSITIVE_INFINITY) {
        racers.push(this.runtime.sleep(timeoutMs, stop.signal).then(() => 'timeout' as const));
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

  /**
   * Stops accepting jobs, kills every live job (group and escaped descendants) and resolves when
   * all have ended. The shutdown hook stays installed until then, so a signal during `close()`
   * still kills every job before the host exits. Calling it again with a shorter grace (as the
   * shutdown hook does) moves the SIGKILL of jobs already dying closer.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    this.#closed = true;
    const grace =
      options.killGraceMs === undefined ? this.killGraceMs : checkDuration('killGraceMs', options.killGraceMs, { zero: true });
    const live = [...this.#jobs.values()].filter((e) => !isFinalState(e.state));
    for (const e of live) this.#terminate(e, 'killed', grace);
    await Promise.all(live.map((e) => e.done.promise));
    if ([...this.#jobs.values()].every((e) => isFinalState(e.state))) this.#offShutdown?.();
  }

  /**
   * On a signal: close with a short grace. On exit, or a second signal (`force`): nothing can
   * wait, so SIGKILL every job now, escaped descendants included.
   */
  #onShutdown(reason: string): Promise<void> | undefined {
    if (reason !== 'exit' && reason !== 'force') return this.close({ killGraceMs: SHUTDOWN_KILL_GRACE_MS });
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
      // Checked again at start: the directory may have been swapped for a symlink while queued.
      if (this.#options.cwdRoot !== undefined) entry.spec.cwd = this.#confine(entry.spec.cwd);
      const env = { ...this.#hostEnv(), ...this.#options.env, ...entry.spec.env };
      const child = this.runtime.spawn(this.#wrap(entry.spec.command), {
        ...(entry.spec.cwd !== undefined ? { cwd: entry.spec.cwd } : {}),
        env,
        marker: entry.marker,
      });
      entry.child = child;
      entry.pid = child.pid;
      if (child.pid > 0) {
        this.#options.registry?.add({ jobId: entry.id, pgid: child.pid, command: entry.spec.command, marker: entry.marker });
      }
      const timeoutMs = entry.spec.timeoutMs ?? this.defaultTimeoutMs;
      if (timeoutMs !== Number.POSITIVE_INFINITY) {
        this.runtime.sleep(timeoutMs, entry.timers?.signal).then(
          () => this.#terminate(entry, 'timed_out', this.killGraceMs),
          () => {},
        );
      }
      const reading = Promise.all([this.#collect(entry, child.stdout), this.#collect(entry, child.stderr)]);
      status = await child.exited;
      // Ended by itself: a kill() from now on finds nothing to kill.
      if (!entry.ending) entry.exited = true;
      await reading;
      if (entry.terminated) {
        // Killed or timed out: the rest of the job keeps its grace even though its leader died.
        await entry.terminated;
      } else {
        // The job is its main process; anything it left behind (in its group or escaped from
        // it) goes with it.
        await this.#killAll(child);
      }
    } catch (error) {
      status = { code: null, signal: null, error: error instanceof Error ? error.message : String(error) };
    }
    this.#running--;
    this.#finish(entry, status);
    this.#pump();
  }

  /** The command as spawned: as is, or under `setpriv` as the isolation user. */
  #wrap(command: string): string {
    const isolation = this.#options.isolation;
    if (!isolation) return command;
    const gid = isolation.gid ?? isolation.uid;
    // exec keeps the pid, so the job still leads its own process group.
    return `exec setpriv --reuid=${isolation.uid} --regid=${gid} --clear-groups -- /bin/sh -c ${shellWord(command)}`;
  }

  async #collect(entry: Entry, stream: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of stream) entry.buffer.append(chunk);
    } catch {
      // A stream torn down at exit is not an error of the job.
    }
  }

  #terminate(entry: Entry, reason: 'killed' | 'timed_out', graceMs: number): void {
    if (isFinalState(entry.state) || entry.exited) return;
    const deadline = this.runtime.now() + graceMs;
    if (entry.ending) {
      // Already dying: a shorter grace (shutdown) moves the SIGKILL closer, never further.
      if (entry.killDeadline !== undefined && deadline < entry.killDeadline) entry.killDeadline = deadline;
      return;
    }
    entry.ending = reason;
    if (entry.state === 'queued') {
      const at = this.#queue.indexOf(entry);
      if (at >= 0) this.#queue.splice(at, 1);
      this.#finish(entry, { code: null, signal: null });
      return;
    }
    const child = entry.child;
    if (!child) return;
    entry.killDeadline = deadline;
    entry.terminated = this.#stop(entry, child);
  }

  /** SIGTERM to every process of the job; SIGKILL to what is left at `killDeadline`. */
  async #stop(entry: Entry, child: Child): Promise<void> {
    child.kill('SIGTERM');
    for (;;) {
      if (!child.alive()) return;
      const left = (entry.killDeadline ?? 0) - this.runtime.now();
      if (left <= 0) break;
      await this.runtime.sleep(Math.min(KILL_POLL_MS, left));
    }
    entry.forced = true;
    await this.#killAll(child);
  }

  /** SIGKILL to every process of the job, again until none is left (bounded). */
  async #killAll(child: Child): Promise<void> {
    // One scan when nothing is left (the common end of a job): finding processes is not free.
    if (!child.alive()) return;
    const until = this.runtime.now() + SIGKILL_WAIT_MS;
    child.kill('SIGKILL');
    while (child.alive() && this.runtime.now() < until) {
      await this.runtime.sleep(KILL_POLL_MS);
      child.kill('SIGKILL');
    }
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
    this.#ended.push(entry);
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
    this.#prune();
  }

  /**
   * Drops ended jobs beyond `retainJobs` or older than `retainMs`, oldest first, with their
   * output and their notice in the bus history; a job whose notice some consumer has not yet
   * been handed (or has leased and not acked) is kept until it has.
   */
  #prune(): void {
    const excess = this.#ended.length - this.retainJobs;
    const oldest = this.#ended[0];
    if (excess <= 0 && (oldest === undefined || this.runtime.now() - (oldest.endedAt ?? 0) < this.retainMs)) return;
    const now = this.runtime.now();
    let toDrop = excess;
    const kept: Entry[] = [];
    for (const e of this.#ended) {
      const old = now - (e.endedAt ?? now) >= this.retainMs;
      if ((toDrop > 0 || old) && !this.bus.holds(e.id)) {
        this.#drop(e);
        toDrop--;
      } else {
        kept.push(e);
      }
    }
    this.#ended = kept;
  }

  #drop(entry: Entry): void {
    this.#jobs.delete(entry.id);
    this.bus.forget(entry.id);
    this.#dropped.add(entry.id);
    if (this.#dropped.size > DROPPED_IDS_KEPT) {
      const first = this.#dropped.values().next();
      if (!first.done) this.#dropped.delete(first.value);
    }
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
