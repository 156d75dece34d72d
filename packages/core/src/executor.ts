/**
 * Runs shell commands as background jobs: a FIFO queue under a concurrency cap, per-job
 * timeouts, process-group kill (SIGTERM, grace, SIGKILL), bounded output and exactly one
 * notice per job on the {@link NotificationBus}.
 *
 * This file is the table of contents of a job's life; each step is a file of its own:
 * options and defaults (`executor-options.ts`), the job record (`internal/job-entry.ts`), what it
 * starts with (`internal/launch.ts`), its output (`internal/job-output.ts`), full logs
 * (`full-log.ts`), readiness and watchers (`internal/readiness.ts`, `internal/watchers.ts`),
 * input (`internal/job-input.ts`), termination (`internal/termination.ts`), retention
 * (`internal/retention.ts`), notices (`internal/notices.ts`), snapshots (`internal/snapshot.ts`) and
 * waits (`internal/wait-race.ts`); durable jobs (`durable-jobs.ts`, `internal/reattach.ts`).
 */

import { checkDurableSpec, DurableJobs, outlivesHost } from './durable-jobs.ts';
import type { DurableProblem } from './durable-store.ts';
import { checkDuration } from './duration.ts';
import {
  AbortedError,
  DuplicateJobIdError,
  ExecutorClosedError,
  InvalidJobSpecError,
  JobDroppedError,
  UnknownJobError,
} from './errors.ts';
import type { CloseOptions, Executor, WaitForOptions, WaitForResult, WaitOptions, WaitResult } from './executor-api.ts';
import {
  checkExecutorOptions,
  type ExecutorOptions,
  NOTICE_TAIL_BYTES,
  NOTICE_TAIL_LINES,
  SHUTDOWN_KILL_GRACE_MS,
} from './executor-options.ts';
import { FullLogs } from './full-log.ts';
import { Deadlines } from './internal/deadlines.ts';
import { type Entry, newEntry } from './internal/job-entry.ts';
import { commandSlug } from './internal/job-id.ts';
import { closeInput, writeInput } from './internal/job-input.ts';
import { collectOutput } from './internal/job-output.ts';
import { checkSpec, HostEnv, spawnJob } from './internal/launch.ts';
import { publishFinal } from './internal/notices.ts';
import { checkCondition, until } from './internal/readiness.ts';
import { reattach } from './internal/reattach.ts';
import { Retention } from './internal/retention.ts';
import { snapshot, whenEnded } from './internal/snapshot.ts';
import { killAll, terminate } from './internal/termination.ts';
import { raceStop, waitForEnds } from './internal/wait-race.ts';
import { startWatchers, type WatchContext } from './internal/watchers.ts';
import { type FinalJobState, isFinalState, type Job, type JobSpec } from './job.ts';
import { LineSplitter } from './job-watch.ts';
import { NotificationBus } from './notification-bus.ts';
import { OutputBuffer, type OutputSlice, type OutputSnapshot, type ReadOptions } from './output-buffer.ts';
import type { ReapedJob } from './registry.ts';
import type { Child, ExitStatus, Runtime } from './runtime.ts';
import { checkSandbox } from './sandbox.ts';

export type { ExecutorOptions, JobIsolation } from './executor-options.ts';
export type { LogOptions } from './full-log.ts';

/** Why a job's watchers stop; one shared reason (an `abort()` without one builds a DOMException per job). */
const JOB_ENDED = Object.freeze({ reason: 'job ended' });

/** A wait's `timeoutMs`, checked; none is `Infinity`. */
function waitTimeout(timeoutMs: number | undefined): number {
  return timeoutMs === undefined
    ? Number.POSITIVE_INFINITY
    : checkDuration('timeoutMs', timeoutMs, { zero: true, infinite: true });
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
  readonly writeTimeoutMs: number;
  /**
   * What the registry found at start: jobs of hosts that died without cleaning up, now `lost`
   * (their groups killed where still alive). They are not this executor's jobs: they are not
   * in {@link list} and publish no notice, so no model is told about work it never started.
   */
  readonly reaped: readonly ReapedJob[];
  /**
   * Records of the durable state directory that could not be read (each names its file); their
   * jobs are reported as `lost`, with a notice, never dropped silently.
   */
  readonly durableProblems: readonly DurableProblem[] = [];
  readonly #options: ExecutorOptions;
  readonly #durable: DurableJobs | undefined;
  readonly #jobs = new Map<string, Entry>();
  readonly #queue: Entry[] = [];
  readonly #retention: Retention;
  readonly #logs: FullLogs;
  readonly #hostEnv: HostEnv;
  readonly #watch: WatchContext;
  /** Timeouts of running jobs, behind one timer. */
  readonly #deadlines: Deadlines<Entry>;
  #running = 0;
  #idCounter = 0;
  #closed = false;
  readonly #offShutdown: (() => void) | undefined;

  constructor(runtime: Runtime, options: ExecutorOptions = {}) {
    this.runtime = runtime;
    this.#options = { ...options, sandbox: checkSandbox(runtime, options.sandbox) };
    const limits = checkExecutorOptions(options);
    this.maxConcurrent = limits.maxConcurrent;
    this.defaultTimeoutMs = limits.defaultTimeoutMs;
    this.killGraceMs = limits.killGraceMs;
    this.retainJobs = limits.retainJobs;
    this.writeTimeoutMs = limits.writeTimeoutMs;
    this.retainMs = limits.retainMs;
    this.#deadlines = new Deadlines(runtime, (entry) => this.#terminate(entry, 'timed_out', this.killGraceMs));
    this.bus = options.bus ?? new NotificationBus();
    this.bus.attach(this);
    this.#retention = new Retention(
      this.retainJobs,
      this.retainMs,
      (id) => this.bus.holds(id),
      (entry) => this.#drop(entry),
    );
    this.#logs = new FullLogs(runtime, options.logs);
    this.#hostEnv = new HostEnv(options.allowEnv);
    this.#watch = {
      runtime,
      bus: this.bus,
      progressMs: options.progressMs,
      promptIdleMs: options.promptIdleMs,
      idleNoticeMs: options.idleNoticeMs,
    };
    this.reaped = options.registry?.reap() ?? [];
    this.#durable = options.durable ? new DurableJobs(runtime, options.durable) : undefined;
    if (this.#durable) this.durableProblems = this.#reattach(this.#durable);
    this.#offShutdown = options.killOnShutdown === false ? undefined : runtime.onShutdown((reason) => this.#onShutdown(reason));
  }

  /** Number of jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Validates `spec` and queues it; it starts at once when fewer than `maxConcurrent` run. */
  submit(spec: JobSpec): Job {
    if (this.#closed) throw new ExecutorClosedError();
    const clean = checkSpec(this.runtime, spec, this.#logs, this.#options.cwdRoot);
    checkDurableSpec(clean, this.#durable);
    if (clean.id !== undefined && this.#jobs.has(clean.id)) {
      throw new DuplicateJobIdError(clean.id, [...this.#jobs.keys()]);
    }
    const id = clean.id ?? this.#newId(clean.command);
    this.#retention.reused(id);
    // Assigned into `{}` rather than spread: see NotificationBus.publish.
    const now = this.runtime.now();
    const entry = newEntry(
      Object.assign({}, clean, { id }),
      now,
      new OutputBuffer(this.#options.outputLimit),
      new LineSplitter(),
    );
    this.#jobs.set(id, entry);
    this.#queue.push(entry);
    this.#prune();
    this.#pump();
    return snapshot(entry);
  }

  #newId(command: string): string {
    const slug = commandSlug(command);
    let id: string;
    do id = `${slug}-${++this.#idCounter}`;
    while (this.#jobs.has(id) || this.#durable?.has(id));
    return id;
  }

  #entry(id: string): Entry {
    const entry = this.#jobs.get(id);
    if (entry) return entry;
    if (this.#retention.wasDropped(id)) throw new JobDroppedError(id, [...this.#jobs.keys()], this.#retention.policy);
    throw new UnknownJobError(id, [...this.#jobs.keys()]);
  }

  /**
   * A snapshot of job `id`; throws {@link JobDroppedError} for an ended job dropped under the
   * retention policy, {@link UnknownJobError} (listing the known ids) for any other id.
   */
  get(id: string): Job {
    return snapshot(this.#entry(id));
  }

  /** Snapshots of every job kept (see `retainJobs`), in submission order. */
  list(): Job[] {
    this.#prune();
    return [...this.#jobs.values()].map(snapshot);
  }

  /**
   * Reads job output by absolute byte offset; see {@link OutputBuffer.read}. A job with a full
   * log answers any offset the log holds from the file; past the log's cap, the in-memory head
   * and tail answer and the bytes between them are a `gap`.
   */
  output(id: string, options: ReadOptions = {}): OutputSlice {
    const entry = this.#entry(id);
    if (entry.durable && this.#durable) return this.#durable.read(id, options, entry.buffer.totalBytes);
    return this.#logs.read(entry, options) ?? entry.buffer.read(options);
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
   * Resolves when job `id` is ready: an output line matches `pattern` (lines still in memory
   * count), a process of the job listens on `port`, or it wrote nothing for `idleMs`; with
   * `exit` when it ends first, `timeout` after `timeoutMs`. A bad pattern throws
   * {@link InvalidJobSpecError} naming `pattern`.
   */
  async waitFor(id: string, options: WaitForOptions): Promise<WaitForResult> {
    const entry = this.#entry(id);
    const given = (['pattern', 'port', 'idleMs'] as const).filter((k) => options[k] !== undefined);
    if (given.length !== 1) {
      throw new InvalidJobSpecError([
        `waitFor: give exactly one of pattern, port, idleMs (got ${given.length === 0 ? 'none' : given.join(', ')})`,
      ]);
    }
    const condition = checkCondition(this.runtime, options);
    const timeoutMs = waitTimeout(options.timeoutMs);
    if (options.signal?.aborted) throw new AbortedError();
    if (isFinalState(entry.state)) return { met: 'exit', job: snapshot(entry) };
    return raceStop<WaitForResult>(
      this.runtime,
      (stop) => [
        until(this.runtime, entry, condition, stop, true).then((hit) => ({ ...hit, job: snapshot(entry) })),
        whenEnded(entry).then((job) => ({ met: 'exit' as const, job })),
      ],
      timeoutMs,
      () => ({ met: 'timeout', job: snapshot(entry) }),
      options.signal,
    );
  }

  /**
   * Writes `text` to the stdin of job `id`; throws {@link JobInputError} when the job was not
   * started with `stdin: 'pipe'`, is not running, or its stdin is closed.
   */
  async write(id: string, text: string): Promise<void> {
    await writeInput(this.runtime, this.#entry(id), text, this.writeTimeoutMs);
  }

  /**
   * Closes the stdin of job `id` (it reads end-of-file); closing twice is a no-op. Like
   * {@link write}, returns within `writeTimeoutMs` (a {@link JobInputError}) while the pipe is full.
   */
  async closeStdin(id: string): Promise<void> {
    await closeInput(this.runtime, this.#entry(id), this.writeTimeoutMs);
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
    return whenEnded(entry);
  }

  /** Waits until the first (`any`) or every (`all`) job of `ids` has ended, or `timeoutMs`. */
  async wait(ids: readonly string[], options: WaitOptions = {}): Promise<WaitResult> {
    const entries = ids.map((id) => this.#entry(id));
    return waitForEnds(this.runtime, entries, whenEnded, snapshot, options, waitTimeout(options.timeoutMs));
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
    // Durable jobs that run keep running: they outlive their host by design.
    const live = [...this.#jobs.values()].filter((e) => !isFinalState(e.state) && !outlivesHost(e));
    for (const e of live) this.#terminate(e, 'killed', grace);
    await Promise.all(live.map(whenEnded));
    this.#durable?.detach(this.#jobs.values());
    await this.#logs.removeAll([...this.#jobs.values()]);
    if ([...this.#jobs.values()].every((e) => isFinalState(e.state) || outlivesHost(e))) this.#offShutdown?.();
  }

  /**
   * On a signal: close with a short grace. On exit, or a second signal (`force`): nothing can
   * wait, so SIGKILL every job now, escaped descendants included.
   */
  #onShutdown(reason: string): Promise<void> | undefined {
    if (reason !== 'exit' && reason !== 'force') return this.close({ killGraceMs: SHUTDOWN_KILL_GRACE_MS });
    this.#closed = true;
    for (const e of this.#jobs.values()) if (!isFinalState(e.state) && !outlivesHost(e)) e.child?.kill('SIGKILL');
    return undefined;
  }

  /** Starts queued jobs while fewer than `maxConcurrent` run. */
  #pump(): void {
    while (this.#running < this.maxConcurrent && this.#queue.length > 0) {
      const entry = this.#queue.shift();
      if (entry) void this.#run(entry);
    }
  }

  /**
   * A job's life from start to end: spawn, timeout, log, watchers, output, exit, leftovers.
   * `adopted`: a durable job a previous host left running, followed from here.
   */
  async #run(entry: Entry, adopted?: { child: Child; dueAt: number }): Promise<void> {
    this.#running++;
    entry.state = 'running';
    entry.startedAt ??= this.runtime.now();
    let status: ExitStatus;
    try {
      const timeoutMs = entry.spec.timeoutMs ?? this.defaultTimeoutMs;
      const durable = this.#durable ? { jobs: this.#durable, timeoutMs } : undefined;
      const child = adopted?.child ?? spawnJob(this.runtime, this.#options, this.#hostEnv, entry, durable);
      if (adopted) entry.child = child;
      const dueAt = adopted?.dueAt ?? entry.startedAt + timeoutMs;
      if (dueAt !== Number.POSITIVE_INFINITY) entry.deadline = this.#deadlines.add(dueAt, entry);
      entry.lastOutputAt = this.runtime.now();
      this.#logs.open(entry);
      startWatchers(this.#watch, entry);
      const reading = Promise.all([
        collectOutput(this.runtime, entry, child.stdout),
        collectOutput(this.runtime, entry, child.stderr),
      ]);
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
        await killAll(this.runtime, child);
      }
    } catch (error) {
      status = { code: null, signal: null, error: error instanceof Error ? error.message : String(error) };
    }
    this.#running--;
    this.#finish(entry, status);
    this.#pump();
  }

  /** Ends a job by kill or timeout (see {@link terminate}); a queued one ends at once. */
  #terminate(entry: Entry, reason: 'killed' | 'timed_out', graceMs: number): void {
    if (terminate(this.runtime, entry, reason, graceMs) !== 'queued') return;
    const at = this.#queue.indexOf(entry);
    if (at >= 0) this.#queue.splice(at, 1);
    this.#finish(entry, { code: null, signal: null });
  }

  /** The job's final state and its one final notice; its watchers, timeout and log end with it. */
  #finish(entry: Entry, status: ExitStatus): void {
    if (isFinalState(entry.state)) return;
    entry.timers?.abort(JOB_ENDED);
    entry.timers = undefined;
    if (entry.deadline) this.#deadlines.remove(entry.deadline);
    entry.deadline = undefined;
    if (entry.child && entry.child.pid > 0 && !entry.durable) this.#options.registry?.remove(entry.id);
    const state: FinalJobState =
      entry.ending ??
      (status.killed
        ? 'killed'
        : status.lost
          ? 'lost'
          : status.error === undefined && status.code === 0
            ? 'completed'
            : 'failed');
    entry.state = state;
    entry.endedAt = this.runtime.now();
    entry.exitCode = status.code;
    entry.signal = status.signal;
    if (status.error !== undefined) {
      entry.error = status.error;
      entry.buffer.append(new TextEncoder().encode(`bgtasks: could not start the job: ${status.error}\n`));
    }
    if (status.lost) {
      entry.buffer.append(
        new TextEncoder().encode("bgtasks: the job's supervisor was killed before it recorded how the job ended\n"),
      );
    }
    // Recorded before the notice goes out: a host that dies right after leaves the end on disk.
    if (entry.durable) this.#durable?.recordEnd(entry, state);
    this.#retention.ended(entry);
    entry.lineListeners = undefined;
    this.#logs.end(entry);
    const done = entry.done;
    const snap = done ? snapshot(entry) : undefined;
    publishFinal(this.bus, entry, state, this.#options.sandbox);
    // The child (its streams, the runtime's process handle) is not needed once the job has
    // ended; a long-lived host must not keep one per finished job.
    entry.child = undefined;
    if (done && snap) done.resolve(snap);
    entry.done = undefined;
    this.#prune();
  }

  /** Takes over the durable state directory (see {@link reattach}). */
  #reattach(durable: DurableJobs): DurableProblem[] {
    return reattach(durable, {
      runtime: this.runtime,
      bus: this.bus,
      retainMs: this.retainMs,
      add: (spec) => {
        const entry = newEntry(spec, this.runtime.now(), new OutputBuffer(this.#options.outputLimit), new LineSplitter());
        this.#jobs.set(spec.id, entry);
        return entry;
      },
      ended: (entry) => this.#retention.ended(entry),
      follow: (entry, child, dueAt) => void this.#run(entry, { child, dueAt }),
    });
  }

  /** Drops ended jobs the retention policy no longer keeps. */
  #prune(): void {
    this.#retention.prune(this.runtime.now());
  }

  /** Forgets an ended job: its log file, its record, its notice in the bus history. */
  #drop(entry: Entry): void {
    void this.#logs.remove(entry);
    if (entry.durable) this.#durable?.forget(entry.id);
    this.#jobs.delete(entry.id);
    this.bus.forget(entry.id);
  }
}
