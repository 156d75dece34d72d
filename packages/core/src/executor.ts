/**
 * Runs shell commands as background jobs: a FIFO queue under a concurrency cap, per-job
 * timeouts, process-group kill (SIGTERM, grace, SIGKILL), bounded output and exactly one
 * notice per job on the {@link NotificationBus}.
 */

import { describeIssues } from './describe-issues.ts';
import { DurableJobs, type DurableOptions } from './durable-jobs.ts';
import type { DurableJobRecord, DurableProblem } from './durable-store.ts';
import { checkDuration } from './duration.ts';
import {
  AbortedError,
  DuplicateJobIdError,
  ExecutorClosedError,
  InvalidJobSpecError,
  JobDroppedError,
  JobInputError,
  UnknownJobError,
  UnsupportedError,
} from './errors.ts';
import type { CloseOptions, Executor, WaitForOptions, WaitForResult, WaitOptions, WaitResult } from './executor-api.ts';
import { type Deadline, Deadlines } from './internal/deadlines.ts';
import { type Deferred, deferred } from './internal/deferred.ts';
import { commandSlug } from './internal/job-id.ts';
import { alignEnd, decodeUtf8 } from './internal/utf8.ts';
import {
  type FinalJobState,
  isFinalState,
  type Job,
  type JobSpec,
  JobSpecSchema,
  type JobState,
  type Notice,
  type NoticeKind,
  type ReadyMet,
} from './job.ts';
import { buildJobEnv } from './job-env.ts';
import { lineMatcher, type MonitoredJob, monitorIdle, monitorWatch } from './job-monitors.ts';
import { compilePattern, LineSplitter, LogWriter, looksLikePrompt } from './job-watch.ts';
import { NotificationBus } from './notification-bus.ts';
import {
  DEFAULT_READ_LIMIT_BYTES,
  OutputBuffer,
  type OutputLimits,
  type OutputSlice,
  type OutputSnapshot,
  type ReadOptions,
} from './output-buffer.ts';
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
  /** `idleNoticeMs` of jobs whose spec names none (see {@link JobSpec.idleNoticeMs}); off by default. */
  idleNoticeMs?: number;
  /** `progressMs` of jobs whose spec names none; off (undefined) by default. */
  progressMs?: number;
  /** How long a piped job's output must be idle before a prompt-like last line counts. Default 500 ms. */
  promptIdleMs?: number;
  /** How long `write()` waits for a job to take its input before it reports a full pipe. Default 5000 ms. */
  writeTimeoutMs?: number;
  /** Full logs (see {@link JobSpec.log}); needs a runtime with `files`. */
  logs?: LogOptions;
  /**
   * Durable jobs (see docs/durable-jobs.md): jobs run under a supervisor that outlives this
   * host, recorded in a state directory; a new executor on the same directory reattaches to
   * them and delivers the notices its consumers had not acked.
   */
  durable?: DurableOptions;
}

/** Where and how much full output is kept on disk (see {@link ExecutorOptions.logs}). */
export interface LogOptions {
  /** The state directory log files go in (created owner-only). */
  dir: string;
  /** Log every job, not only those whose spec says `log: true`. Default false. */
  all?: boolean;
  /** Most bytes written per job; output past it is only in memory (head and tail). Default 256 MiB. */
  maxBytesPerJob?: number;
  /** Most bytes across every job's log file this executor keeps. Default 1 GiB. */
  maxTotalBytes?: number;
  /** How long a log file is kept after its job ended (and at most until `close()`). Default 24 hours. */
  ttlMs?: number;
}

/** Default of {@link LogOptions.maxBytesPerJob}: 256 MiB. */
export const DEFAULT_LOG_MAX_BYTES = 256 * 1024 * 1024;
/** Default of {@link LogOptions.maxTotalBytes}: 1 GiB. */
export const DEFAULT_LOG_TOTAL_BYTES = 1024 * 1024 * 1024;
/** Default of {@link LogOptions.ttlMs}: 24 hours. */
export const DEFAULT_LOG_TTL_MS = 24 * 60 * 60_000;
/** Default of {@link ExecutorOptions.writeTimeoutMs}. */
export const DEFAULT_WRITE_TIMEOUT_MS = 5_000;
/** Default of {@link ExecutorOptions.promptIdleMs}. */
export const DEFAULT_PROMPT_IDLE_MS = 500;
/** Most bytes of new output a progress notice shows (the newest lines when there is more). */
export const PROGRESS_BYTES = 2_000;
/** How often a port is probed while waiting for it. */
const PORT_POLL_MS = 100;
/** How long one probe waits for a connection. */
const PORT_PROBE_TIMEOUT_MS = 1_000;

/** The user a job runs as (see {@link ExecutorOptions.isolation}). */
export interface JobIsolation {
  /** Numeric user id, e.g. 65534 (`nobody`). */
  uid: number;
  /** Numeric group id; the same number as `uid` by default. */
  gid?: number;
}

/** A readiness condition, validated. */
type Condition = { pattern: RegExp } | { port: number } | { idleMs: number };

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
/** Why a job's watchers stop; one shared reason (an `abort()` without one builds a DOMException per job). */
const JOB_ENDED = Object.freeze({ reason: 'job ended' });
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
  /** The job's timeout while it runs (see {@link Deadlines}). */
  deadline?: Deadline<Entry>;
  /**
   * Stops the watchers of a running job that asked for any (readiness, progress, prompts);
   * dropped once the job has ended. Most jobs have none, and no controller.
   */
  timers?: AbortController;
  buffer: OutputBuffer;
  /** Made when something first waits for the job's end: most jobs are only read through their notice. */
  done?: Deferred<Job>;
  lines: LineSplitter;
  /** Called with each complete output line (waiters on a pattern). */
  lineListeners?: Set<(line: string) => void>;
  /** Clock time of the last output (or of the start). */
  lastOutputAt: number;
  /**
   * Output offset at which `input_required` was last published: a prompt is announced once,
   * and the next one (printed after the answer) sits at a later offset.
   */
  promptAt?: number;
  log?: LogWriter;
  /** Runs under the durable supervisor: output from its log file, end recorded in the store. */
  durable: boolean;
  /** Reattached: output up to this byte was read before (by the previous host); watches skip it. */
  replayUntil: number;
}

/** The head and tail of an ended durable job's log, read back into memory (read-only). */
function logBuffer(durable: DurableJobs, id: string): OutputBuffer {
  const size = durable.store.logSize(id);
  const keep = 64 * 1024;
  if (size <= 2 * keep) {
    return OutputBuffer.fromSnapshot({ head: durable.store.readLog(id, 0, size), tail: new Uint8Array(0), totalBytes: size });
  }
  return OutputBuffer.fromSnapshot({
    head: durable.store.readLog(id, 0, keep),
    tail: durable.store.readLog(id, size - keep, keep),
    totalBytes: size,
  });
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

/** Character codes of the hex digits. */
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * A marker no other job of any host shares (see {@link SpawnOptions.marker}): `bgt-` and a random
 * (version 4) UUID. Built from character codes in one piece: `crypto.randomUUID()` hands back a
 * string made of a dozen concatenated parts on Node, and every kept job held them all (about
 * 0.5 KB, measured).
 */
function newMarker(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const codes = [98, 103, 116, 45]; // "bgt-"
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) codes.push(45);
    const byte = bytes[i] ?? 0;
    codes.push(HEX_CODES[byte >> 4] ?? 48, HEX_CODES[byte & 15] ?? 48);
  }
  return String.fromCharCode(...codes);
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
  /** Ended jobs in the order they ended: candidates for dropping. */
  #ended: Entry[] = [];
  /** Ids of dropped jobs, oldest first, at most {@link DROPPED_IDS_KEPT}. */
  readonly #dropped = new Set<string>();
  #running = 0;
  /** Bytes in (or queued for) every log file still kept. */
  #logTotal = 0;
  /** Aborts log-TTL timers on close. */
  readonly #logTimers = new AbortController();
  /** Timeouts of running jobs, behind one timer. */
  readonly #deadlines: Deadlines<Entry>;
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
    this.writeTimeoutMs = checkDuration('writeTimeoutMs', options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS);
    this.retainMs = checkDuration('retainMs', options.retainMs ?? DEFAULT_RETAIN_MS, { zero: true, infinite: true });
    if (options.isolation !== undefined) {
      const { uid, gid = uid } = options.isolation;
      if (![uid, gid].every((n) => Number.isInteger(n) && n >= 0)) {
        throw new InvalidJobSpecError([
          `isolation: uid and gid must be whole numbers, 0 or more, got uid ${String(uid)}, gid ${String(gid)}`,
        ]);
      }
    }
    this.#deadlines = new Deadlines(runtime, (entry) => this.#terminate(entry, 'timed_out', this.killGraceMs));
    this.bus = options.bus ?? new NotificationBus();
    this.bus.attach(this);
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
    const parsed = JobSpecSchema.safeParse(spec);
    if (!parsed.success) {
      throw new InvalidJobSpecError([
        ...describeIssues(parsed.error),
        'valid fields: command (non-empty string), id?, cwd?, env? (NAME: value), timeoutMs? (positive integer or Infinity), label?, ready? ({ pattern } | { port } | { idleMs }), progressMs? (>= 100), stdin? ("null" | "pipe"), log? (boolean), durable? (boolean), idleNoticeMs? (>= 100), watch? ({ pattern, intervalMs? })',
      ]);
    }
    const clean = parsed.data;
    if (clean.ready && 'pattern' in clean.ready) compilePattern('ready.pattern', clean.ready.pattern);
    if (clean.watch) lineMatcher('watch.pattern', clean.watch.pattern);
    if (clean.ready && 'port' in clean.ready && !this.runtime.probePort) {
      throw new InvalidJobSpecError([`ready.port needs a runtime with probePort(); the ${this.runtime.name} runtime has none`]);
    }
    if ((clean.log || this.#options.logs?.all) && (!this.#options.logs || !this.runtime.files)) {
      throw new InvalidJobSpecError([
        !this.#options.logs
          ? 'log: true needs a log directory: pass logs: { dir } to the executor'
          : `log: true needs a runtime with files; the ${this.runtime.name} runtime has none`,
      ]);
    }
    if (clean.durable === true && (!this.#durable || clean.stdin === 'pipe')) {
      throw new InvalidJobSpecError([
        !this.#durable
          ? 'durable: true needs a state directory: pass durable: { store: createDurableStore(...) } to the executor'
          : 'durable: true cannot go with stdin: "pipe" (a pipe does not outlive its host)',
      ]);
    }
    if (this.#options.cwdRoot !== undefined) clean.cwd = this.#confine(clean.cwd);
    if (clean.id !== undefined && this.#jobs.has(clean.id)) {
      throw new DuplicateJobIdError(clean.id, [...this.#jobs.keys()]);
    }
    const id = clean.id ?? this.#newId(clean.command);
    this.#dropped.delete(id);
    const entry = this.#newEntry(id, clean);
    this.#jobs.set(id, entry);
    this.#queue.push(entry);
    this.#prune();
    this.#pump();
    return this.#snapshot(entry);
  }

  /** A queued entry for job `id`. */
  #newEntry(id: string, clean: JobSpec): Entry {
    // Every field from the start, and none ever deleted (a field that goes is set to undefined):
    // all entries share one shape. `delete` would give each kept job a dictionary of its own
    // (about 1 KB more per job, measured).
    const entry: Entry = {
      id,
      // Assigned into `{}` rather than spread: see NotificationBus.publish.
      spec: Object.assign({}, clean, { id }),
      state: 'queued',
      queuedAt: this.runtime.now(),
      startedAt: undefined,
      endedAt: undefined,
      pid: undefined,
      exitCode: undefined,
      signal: undefined,
      forced: undefined,
      error: undefined,
      child: undefined,
      marker: newMarker(),
      ending: undefined,
      killDeadline: undefined,
      terminated: undefined,
      exited: undefined,
      deadline: undefined,
      timers: undefined,
      buffer: new OutputBuffer(this.#options.outputLimit),
      done: undefined,
      lines: new LineSplitter(),
      lineListeners: undefined,
      lastOutputAt: this.runtime.now(),
      promptAt: undefined,
      log: undefined,
      durable: false,
      replayUntil: 0,
    };
    return entry;
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
    while (this.#jobs.has(id) || this.#durable?.has(id));
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

  /**
   * Reads job output by absolute byte offset; see {@link OutputBuffer.read}. A job with a full
   * log answers any offset the log holds from the file; past the log's cap, the in-memory head
   * and tail answer and the bytes between them are a `gap`.
   */
  output(id: string, options: ReadOptions = {}): OutputSlice {
    const entry = this.#entry(id);
    if (entry.durable && this.#durable) return this.#durable.read(id, options, entry.buffer.totalBytes);
    const log = entry.log;
    const files = this.runtime.files;
    if (!log || !files || log.failed !== undefined) return entry.buffer.read(options);
    const total = entry.buffer.totalBytes;
    const requested = options.offset ?? 0;
    const offset = requested < 0 ? Math.max(0, total + requested) : requested;
    const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_READ_LIMIT_BYTES));
    if (offset >= log.flushed) return entry.buffer.read({ offset, limit });
    let bytes: Uint8Array;
    try {
      bytes = files.read(log.path, offset, Math.min(limit, log.flushed - offset));
    } catch {
      return entry.buffer.read({ offset, limit });
    }
    // Never end mid-character, unless one character is all there is.
    const end = alignEnd(bytes, 0, bytes.length) || bytes.length;
    const byteLength = end;
    return {
      offset,
      nextOffset: offset + byteLength,
      totalBytes: total,
      text: decodeUtf8(bytes.subarray(0, end)),
      byteLength,
      gap: null,
      eof: offset + byteLength >= total,
    };
  }

  /**
   * Resolves when job `id` is ready: an output line matches `pattern` (lines still in memory
   * count), 127.0.0.1:`port` accepts a connection, or it wrote nothing for `idleMs`; with
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
    const condition = this.#condition(options);
    const timeoutMs =
      options.timeoutMs === undefined
        ? Number.POSITIVE_INFINITY
        : checkDuration('timeoutMs', options.timeoutMs, { zero: true, infinite: true });
    if (options.signal?.aborted) throw new AbortedError();
    if (isFinalState(entry.state)) return { met: 'exit', job: this.#snapshot(entry) };
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const racers: Promise<WaitForResult>[] = [
        this.#until(entry, condition, stop.signal, true).then((hit) => ({ ...hit, job: this.#snapshot(entry) })),
        this.#whenEnded(entry).then((job) => ({ met: 'exit' as const, job })),
      ];
      if (timeoutMs !== Number.POSITIVE_INFINITY) {
        racers.push(
          this.runtime.sleep(timeoutMs, stop.signal).then(() => ({ met: 'timeout' as const, job: this.#snapshot(entry) })),
        );
      }
      if (options.signal) {
        racers.push(
          new Promise((_, reject) => stop.signal.addEventListener('abort', () => reject(new AbortedError()), { once: true })),
        );
      }
      return await Promise.race(racers);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
  }

  /** Validates a readiness condition. */
  #condition(options: { pattern?: string; port?: number; idleMs?: number }): Condition {
    if (options.pattern !== undefined) {
      if (typeof options.pattern !== 'string' || options.pattern.length === 0 || options.pattern.length > 1_000) {
        throw new InvalidJobSpecError(['pattern: must be a regex source of 1-1000 characters']);
      }
      return { pattern: compilePattern('pattern', options.pattern) };
    }
    if (options.port !== undefined) {
      if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
        throw new InvalidJobSpecError([`port: must be a whole number from 1 to 65535, got ${String(options.port)}`]);
      }
      if (!this.runtime.probePort) {
        throw new UnsupportedError(
          `waiting for a port needs a runtime with probePort(); the ${this.runtime.name} runtime has none`,
        );
      }
      return { port: options.port };
    }
    return { idleMs: checkDuration('idleMs', options.idleMs ?? 0) };
  }

  /**
   * Resolves when `condition` holds for a running `entry`; never settles once `signal` aborts
   * (the caller races it with the job's end). With `past`, lines still in memory count.
   */
  #until(entry: Entry, condition: Condition, signal: AbortSignal, past: boolean): Promise<{ met: ReadyMet; match?: string }> {
    return new Promise((resolve) => {
      if ('pattern' in condition) {
        const test = (line: string): boolean => {
          const m = condition.pattern.exec(line);
          if (!m) return false;
          entry.lineListeners?.delete(listener);
          resolve({ met: 'pattern', match: line });
          return true;
        };
        const listener = (line: string): void => {
          test(line);
        };
        const fed = entry.spec.ready !== undefined || entry.spec.stdin === 'pipe' || (entry.lineListeners?.size ?? 0) > 0;
        if (past && entry.buffer.totalBytes > 0) {
          const lines = entry.buffer.tail(64 * 1024, 1_000).split('\n');
          // Lines were not split while nobody listened: start from the line being written now.
          if (!fed) entry.lines.seed(lines.at(-1) ?? '');
          for (const line of lines) if (test(line.slice(0, 1_024))) return;
        }
        entry.lineListeners ??= new Set();
        entry.lineListeners.add(listener);
        signal.addEventListener('abort', () => entry.lineListeners?.delete(listener), { once: true });
        return;
      }
      if ('port' in condition) {
        const probe = this.runtime.probePort?.bind(this.runtime);
        void (async () => {
          while (!signal.aborted && probe) {
            if (entry.state === 'running' && (await probe(condition.port, PORT_PROBE_TIMEOUT_MS))) {
              if (!signal.aborted) resolve({ met: 'port' });
              return;
            }
            await this.runtime.sleep(PORT_POLL_MS, signal).catch(() => {});
          }
        })();
        return;
      }
      void (async () => {
        while (!signal.aborted) {
          const left = entry.lastOutputAt + condition.idleMs - this.runtime.now();
          if (entry.state === 'running' && left <= 0) {
            resolve({ met: 'idle' });
            return;
          }
          // A queued job has no output clock yet: look again later rather than spin.
          await this.runtime.sleep(entry.state === 'running' ? Math.max(1, left) : Math.max(50, left), signal).catch(() => {});
        }
      })();
    });
  }

  /**
   * Writes `text` to the stdin of job `id`; throws {@link JobInputError} when the job was not
   * started with `stdin: 'pipe'`, is not running, or its stdin is closed.
   */
  async write(id: string, text: string): Promise<void> {
    const entry = this.#entry(id);
    const stdin = this.#stdin(entry);
    const bytes = new TextEncoder().encode(text);
    const stop = new AbortController();
    try {
      // A job that never reads would hold the caller (a tool call) forever once the pipe is full.
      const outcome = await Promise.race([
        stdin.write(bytes).then(() => 'written' as const),
        this.runtime.sleep(this.writeTimeoutMs, stop.signal).then(() => 'stuck' as const),
      ]);
      if (outcome === 'stuck') {
        throw new JobInputError(
          id,
          `it has not read its input within ${this.writeTimeoutMs} ms (the pipe is full); the ${bytes.length} bytes stay queued for it`,
        );
      }
    } catch (error) {
      if (JobInputError.isInstance(error)) throw error;
      throw new JobInputError(id, 'its stdin is closed (the job closed it or ended)', { cause: error });
    } finally {
      stop.abort();
    }
  }

  /** Closes the stdin of job `id` (it reads end-of-file); closing twice is a no-op. */
  async closeStdin(id: string): Promise<void> {
    await this.#stdin(this.#entry(id)).close();
  }

  #stdin(entry: Entry): NonNullable<NonNullable<Entry['child']>['stdin']> {
    if (entry.spec.stdin !== 'pipe') {
      throw new JobInputError(entry.id, `its stdin is /dev/null; submit it with stdin: "pipe" to write to it`);
    }
    if (entry.state === 'queued') throw new JobInputError(entry.id, 'it is still queued; wait until it runs');
    if (isFinalState(entry.state) || !entry.child?.stdin) {
      throw new JobInputError(entry.id, `it has ended (${entry.state})`);
    }
    return entry.child.stdin;
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
    return this.#whenEnded(entry);
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
      const dones = entries.map((e) => this.#whenEnded(e));
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
    // Durable jobs that run keep running: they outlive their host by design.
    const live = [...this.#jobs.values()].filter((e) => !isFinalState(e.state) && !this.#outlives(e));
    for (const e of live) this.#terminate(e, 'killed', grace);
    await Promise.all(live.map((e) => this.#whenEnded(e)));
    this.#detachDurable();
    this.#logTimers.abort();
    // Nothing can read a closed executor's logs: they go now, not at a TTL no timer will see.
    const logged = [...this.#jobs.values()].filter((e) => e.log);
    await Promise.all(logged.map((e) => e.log?.close()));
    await Promise.all(logged.map((e) => this.#removeLog(e)));
    if ([...this.#jobs.values()].every((e) => isFinalState(e.state) || this.#outlives(e))) this.#offShutdown?.();
  }

  /** True for a durable job that runs: closing the host leaves it running. */
  #outlives(entry: Entry): boolean {
    return entry.durable && entry.state === 'running' && entry.ending === undefined;
  }

  /** Stops following durable jobs that keep running and releases the state directory. */
  #detachDurable(): void {
    if (!this.#durable) return;
    for (const e of this.#jobs.values()) if (this.#outlives(e)) e.child?.detach?.();
    this.#durable.detach();
  }

  /**
   * On a signal: close with a short grace. On exit, or a second signal (`force`): nothing can
   * wait, so SIGKILL every job now, escaped descendants included.
   */
  #onShutdown(reason: string): Promise<void> | undefined {
    if (reason !== 'exit' && reason !== 'force') return this.close({ killGraceMs: SHUTDOWN_KILL_GRACE_MS });
    this.#closed = true;
    for (const e of this.#jobs.values()) if (!isFinalState(e.state) && !this.#outlives(e)) e.child?.kill('SIGKILL');
    return undefined;
  }

  #pump(): void {
    while (this.#running < this.maxConcurrent && this.#queue.length > 0) {
      const entry = this.#queue.shift();
      if (entry) void this.#run(entry);
    }
  }

  /** Runs a queued job to its end; `adopted`: a durable job a previous host left running. */
  async #run(entry: Entry, adopted?: { child: Child; dueAt: number }): Promise<void> {
    this.#running++;
    entry.state = 'running';
    entry.startedAt ??= this.runtime.now();
    let status: ExitStatus;
    try {
      const timeoutMs = entry.spec.timeoutMs ?? this.defaultTimeoutMs;
      const child = adopted?.child ?? this.#spawn(entry, timeoutMs);
      entry.child = child;
      entry.pid = child.pid;
      const dueAt = adopted?.dueAt ?? entry.startedAt + timeoutMs;
      if (dueAt !== Number.POSITIVE_INFINITY) entry.deadline = this.#deadlines.add(dueAt, entry);
      entry.lastOutputAt = this.runtime.now();
      this.#openLog(entry);
      this.#watch(entry);
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

  /** Spawns a job's process: under the durable supervisor, or as is (recorded in the registry). */
  #spawn(entry: Entry, timeoutMs: number): Child {
    // Checked again at start: the directory may have been swapped for a symlink while queued.
    if (this.#options.cwdRoot !== undefined) entry.spec.cwd = this.#confine(entry.spec.cwd);
    const env = { ...this.#hostEnv(), ...this.#options.env, ...entry.spec.env };
    const options = {
      ...(entry.spec.cwd !== undefined ? { cwd: entry.spec.cwd } : {}),
      env,
      marker: entry.marker,
      ...(entry.spec.stdin === 'pipe' ? { stdin: 'pipe' as const } : {}),
    };
    const command = this.#wrap(entry.spec.command);
    if (this.#durable?.wants(entry.spec)) {
      entry.durable = true;
      return this.#durable.spawn(entry.id, entry.spec, entry.marker, command, options, timeoutMs);
    }
    const child = this.runtime.spawn(command, options);
    if (child.pid > 0) {
      this.#options.registry?.add({ jobId: entry.id, pgid: child.pid, command: entry.spec.command, marker: entry.marker });
    }
    return child;
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
      for await (const chunk of stream) {
        entry.buffer.append(chunk);
        entry.lastOutputAt = this.runtime.now();
        const listeners = entry.lineListeners;
        if (listeners !== undefined && listeners.size > 0) {
          for (const line of entry.lines.push(chunk)) for (const l of [...listeners]) l(line);
        } else if (entry.spec.ready || entry.spec.stdin === 'pipe') {
          entry.lines.push(chunk);
        }
        // Past the log's high-water mark the reader waits for the disk: memory stays bounded.
        if (entry.log?.append(chunk)) await entry.log.drained();
      }
    } catch {
      // A stream torn down at exit is not an error of the job.
    }
  }

  /** Opens the job's log file when its spec (or the executor) asks for one. */
  #openLog(entry: Entry): void {
    const logs = this.#options.logs;
    const files = this.runtime.files;
    if (!logs || !files || !(entry.spec.log ?? logs.all)) return;
    const perJob = logs.maxBytesPerJob ?? DEFAULT_LOG_MAX_BYTES;
    const total = logs.maxTotalBytes ?? DEFAULT_LOG_TOTAL_BYTES;
    const path = `${logs.dir.replace(/\/+$/, '')}/${entry.id}.${entry.marker}.log`;
    const sink = files.mkdir(logs.dir).then(() => files.append(path));
    entry.log = new LogWriter(path, sink, (n) => {
      const allowed = Math.max(0, Math.min(n, perJob - (entry.log?.accepted ?? 0), total - this.#logTotal));
      this.#logTotal += allowed;
      return allowed;
    });
  }

  /** Closes the log of an ended job and removes the file after the TTL. */
  #endLog(entry: Entry): void {
    const log = entry.log;
    const logs = this.#options.logs;
    if (!log || !logs) return;
    void log.close().then(() =>
      this.runtime.sleep(logs.ttlMs ?? DEFAULT_LOG_TTL_MS, this.#logTimers.signal).then(
        () => this.#removeLog(entry),
        () => {},
      ),
    );
  }

  /** Forgets the job's log file and removes it; resolves once it is gone (never rejects). */
  async #removeLog(entry: Entry): Promise<void> {
    const log = entry.log;
    if (!log) return;
    entry.log = undefined;
    this.#logTotal -= log.accepted;
    await this.runtime.files?.remove(log.path).catch(() => {});
  }

  /** Starts the watchers a running job's spec asks for: readiness, progress, prompts. */
  #watch(entry: Entry): void {
    // An ended job starts no watcher; a running one that asks for any gets what stops them.
    const ready = entry.spec.ready;
    const progressMs = entry.spec.progressMs ?? this.#options.progressMs;
    const idleMs = entry.spec.idleNoticeMs ?? this.#options.idleNoticeMs;
    const monitored = idleMs !== undefined || entry.spec.watch !== undefined;
    if (isFinalState(entry.state) || (!ready && progressMs === undefined && entry.spec.stdin !== 'pipe' && !monitored)) return;
    entry.timers = new AbortController();
    const signal = entry.timers.signal;
    if (idleMs !== undefined)
      void monitorIdle(this.runtime, this.#monitored(entry), checkDuration('idleNoticeMs', idleMs), signal);
    if (entry.spec.watch) monitorWatch(this.runtime, this.#monitored(entry), entry.spec.watch, signal);
    if (ready) {
      const condition =
        'pattern' in ready
          ? { pattern: compilePattern('ready.pattern', ready.pattern) }
          : 'port' in ready
            ? { port: ready.port }
            : { idleMs: ready.idleMs };
      void this.#until(entry, condition, signal, false).then((hit) => {
        if (entry.state !== 'running') return;
        this.#publishRunning(entry, 'ready', {
          ready: hit.met,
          ...(hit.match !== undefined ? { match: hit.match, tail: hit.match } : {}),
        });
      });
    }
    if (progressMs !== undefined) void this.#progress(entry, checkDuration('progressMs', progressMs), signal);
    if (entry.spec.stdin === 'pipe') void this.#prompts(entry, signal);
  }

  /** What the idle and watch monitors see of a running job. */
  #monitored(entry: Entry): MonitoredJob {
    return {
      lastOutputAt: () => entry.lastOutputAt,
      tail: (lines) => entry.buffer.tail(NOTICE_TAIL_BYTES, lines),
      onLine: (listener) => {
        // A reattached job's log is read again from its start: lines the last host saw are not news.
        const fresh = (line: string): void => {
          if (entry.buffer.totalBytes > entry.replayUntil) listener(line);
        };
        entry.lineListeners ??= new Set();
        entry.lineListeners.add(fresh);
        return () => entry.lineListeners?.delete(fresh);
      },
      publish: (kind, extra) => this.#publishRunning(entry, kind, extra),
    };
  }

  async #progress(entry: Entry, everyMs: number, signal: AbortSignal): Promise<void> {
    let from = 0;
    while (!signal.aborted) {
      try {
        await this.runtime.sleep(everyMs, signal);
      } catch {
        return;
      }
      const total = entry.buffer.totalBytes;
      if (total <= from || entry.state !== 'running') continue;
      const slice = entry.buffer.read({ offset: Math.max(from, total - PROGRESS_BYTES), limit: PROGRESS_BYTES });
      this.#publishRunning(entry, 'progress', {
        tail: slice.text.replace(/\n$/, ''),
        fromByte: slice.offset,
        toByte: slice.nextOffset,
      });
      from = slice.nextOffset;
    }
  }

  async #prompts(entry: Entry, signal: AbortSignal): Promise<void> {
    const idleMs = checkDuration('promptIdleMs', this.#options.promptIdleMs ?? DEFAULT_PROMPT_IDLE_MS);
    while (!signal.aborted) {
      const left = entry.lastOutputAt + idleMs - this.runtime.now();
      if (left > 0) {
        try {
          await this.runtime.sleep(left, signal);
        } catch {
          return;
        }
        continue;
      }
      const at = entry.buffer.totalBytes;
      const line = entry.lines.partial || entry.buffer.tail(512, 1).replace(/\n$/, '');
      if (entry.state === 'running' && at > 0 && entry.promptAt !== at && looksLikePrompt(line)) {
        entry.promptAt = at;
        this.#publishRunning(entry, 'input_required', { tail: line });
      }
      try {
        await this.runtime.sleep(idleMs, signal);
      } catch {
        return;
      }
    }
  }

  /** Publishes a notice about a job that still runs (never after its final notice). */
  #publishRunning(entry: Entry, kind: Exclude<NoticeKind, 'final'>, extra: Partial<Notice>): void {
    if (entry.state !== 'running') return;
    const now = this.runtime.now();
    this.bus.publish({
      jobId: entry.id,
      kind,
      state: 'running',
      exitCode: null,
      signal: null,
      durationMs: entry.startedAt === undefined ? 0 : now - entry.startedAt,
      outputBytes: entry.buffer.totalBytes,
      tail: entry.buffer.tail(NOTICE_TAIL_BYTES, 5),
      truncated: entry.buffer.truncated,
      endedAt: now,
      command: entry.spec.command,
      ...(entry.spec.label !== undefined ? { label: entry.spec.label } : {}),
      ...extra,
    });
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
    this.#ended.push(entry);
    entry.lineListeners = undefined;
    this.#endLog(entry);
    const done = entry.done;
    const snap = done ? this.#snapshot(entry) : undefined;
    if (entry.durable) {
      this.#durable?.end(
        entry.id,
        state,
        {
          exitCode: status.code,
          signal: status.signal,
          durationMs: entry.startedAt === undefined ? 0 : entry.endedAt - entry.startedAt,
          outputBytes: entry.buffer.totalBytes,
          endedAtMs: Date.now(),
          ...(entry.forced !== undefined ? { forced: entry.forced } : {}),
          ...(entry.error !== undefined ? { error: entry.error } : {}),
        },
        (error) => this.#storeFailed(entry, error),
      );
    }
    this.#publishFinal(entry);
    // The child (its streams, the runtime's process handle) is not needed once the job has
    // ended; a long-lived host must not keep one per finished job.
    entry.child = undefined;
    if (done && snap) done.resolve(snap);
    entry.done = undefined;
    this.#prune();
  }

  /** Publishes the final notice of an ended job. */
  #publishFinal(entry: Entry): void {
    const endedAt = entry.endedAt ?? this.runtime.now();
    this.bus.publish({
      jobId: entry.id,
      state: entry.state as FinalJobState,
      exitCode: entry.exitCode ?? null,
      signal: entry.signal ?? null,
      durationMs: entry.startedAt === undefined ? 0 : endedAt - entry.startedAt,
      outputBytes: entry.buffer.totalBytes,
      tail: entry.buffer.tail(NOTICE_TAIL_BYTES, NOTICE_TAIL_LINES),
      truncated: entry.buffer.truncated,
      endedAt,
      command: entry.spec.command,
      ...(entry.spec.label !== undefined ? { label: entry.spec.label } : {}),
    });
  }

  /** A durable job's end could not be written (disk full...): its notice says so. */
  #storeFailed(entry: Entry, error: unknown): void {
    const why = error instanceof Error ? error.message : String(error);
    entry.buffer.append(new TextEncoder().encode(`bgtasks: ${why}\n`));
  }

  /**
   * Takes over what the state directory holds: ended jobs are kept (their notices published
   * unless a consumer acked them), jobs still running are followed again (same ids and
   * processes), and unreadable records are reported as `lost` jobs.
   */
  #reattach(durable: DurableJobs): DurableProblem[] {
    const { records, problems } = durable.load();
    const wallToClock = (ms: number): number => this.runtime.now() - (Date.now() - ms);
    const endOf = (r: DurableJobRecord): number => r.end?.endedAtMs ?? r.startedAtMs;
    for (const r of [...records].sort((a, b) => endOf(a) - endOf(b))) {
      const spec: JobSpec = { ...r.spec, id: r.id };
      if (r.timeoutAtMs === undefined) spec.timeoutMs = Number.POSITIVE_INFINITY;
      const entry = this.#newEntry(r.id, spec);
      entry.durable = true;
      entry.marker = r.marker;
      entry.pid = r.pid;
      entry.startedAt = wallToClock(r.startedAtMs);
      entry.replayUntil = durable.store.logSize(r.id);
      this.#jobs.set(r.id, entry);
      if (r.end === undefined || !isFinalState(r.state)) {
        const dueAt = r.timeoutAtMs === undefined ? Number.POSITIVE_INFINITY : wallToClock(r.timeoutAtMs);
        void this.#run(entry, { child: durable.attach(r), dueAt });
        continue;
      }
      // Past retention with its notice acked: the previous host would have dropped it by now.
      if (r.ackedBy.length > 0 && Date.now() - r.end.endedAtMs >= this.retainMs) {
        this.#jobs.delete(r.id);
        durable.forget(r.id);
        continue;
      }
      entry.state = r.state;
      entry.endedAt = wallToClock(r.end.endedAtMs);
      entry.exitCode = r.end.exitCode;
      entry.signal = r.end.signal;
      if (r.end.forced !== undefined) entry.forced = r.end.forced;
      if (r.end.error !== undefined) entry.error = r.end.error;
      entry.buffer = logBuffer(durable, r.id);
      this.#ended.push(entry);
      if (r.ackedBy.length === 0) this.#publishFinal(entry);
    }
    for (const p of problems) {
      if (this.#jobs.has(p.jobId)) continue;
      const entry = this.#newEntry(p.jobId, { id: p.jobId, command: '(unknown: its record is unreadable)' });
      entry.state = 'lost';
      entry.startedAt = entry.endedAt = this.runtime.now();
      entry.error = p.message;
      entry.buffer.append(new TextEncoder().encode(`bgtasks: ${p.message}\n`));
      this.#jobs.set(p.jobId, entry);
      this.#ended.push(entry);
      this.#publishFinal(entry);
      durable.store.quarantine(p.jobId);
    }
    this.bus.observeAcks((consumer, notices) => durable.ack(consumer, notices, () => {}));
    return problems;
  }

  /**
   * Drops ended jobs beyond `retainJobs` or older than `retainMs`, oldest first, with their
   * output and their notice in the bus history; a job whose notice some consumer has not yet
   * been handed (or has leased and not acked) is kept until it has, and so are the jobs that
   * ended after it.
   */
  #prune(): void {
    const now = this.runtime.now();
    let toDrop = this.#ended.length - this.retainJobs;
    // Ended jobs are in end order and consumers are handed notices in that order: only the front
    // can go, and the walk stops at the first job that is neither over the count nor too old, or
    // that some consumer still holds (the jobs after it wait for it). A long-lived host pays per
    // dropped job, not per kept one, however far a consumer lags behind.
    let i = 0;
    for (; i < this.#ended.length; i++) {
      const e = this.#ended[i] as Entry;
      const old = now - (e.endedAt ?? now) >= this.retainMs;
      if ((toDrop <= 0 && !old) || this.bus.holds(e.id)) break;
      this.#drop(e);
      toDrop--;
    }
    if (i > 0) this.#ended.splice(0, i);
  }

  #drop(entry: Entry): void {
    void this.#removeLog(entry);
    if (entry.durable) this.#durable?.forget(entry.id);
    this.#jobs.delete(entry.id);
    this.bus.forget(entry.id);
    this.#dropped.add(entry.id);
    if (this.#dropped.size > DROPPED_IDS_KEPT) {
      const first = this.#dropped.values().next();
      if (!first.done) this.#dropped.delete(first.value);
    }
  }

  /** The job's final snapshot, once it has ended (at once if it has). */
  #whenEnded(entry: Entry): Promise<Job> {
    if (isFinalState(entry.state)) return Promise.resolve(this.#snapshot(entry));
    entry.done ??= deferred<Job>();
    return entry.done.promise;
  }

  #snapshot(e: Entry): Job {
    const job: Job = {
      id: e.id,
      spec: { ...e.spec },
      state: e.state,
      queuedAt: e.queuedAt,
      output: { bytes: e.buffer.totalBytes, omittedBytes: e.buffer.omittedBytes, truncated: e.buffer.truncated },
    };
    if (e.log) job.log = { path: e.log.path, bytes: e.log.accepted, capped: e.log.capped };
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
