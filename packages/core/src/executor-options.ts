/**
 * How a {@link BackgroundExecutor} is set up: its options, their defaults, and the check that
 * turns the options into the numbers it runs by.
 */
import type { DurableOptions } from './durable-jobs.ts';
import { checkDuration } from './duration.ts';
import { InvalidJobSpecError } from './errors.ts';
import type { LogOptions } from './full-log.ts';
import type { NotificationBus } from './notification-bus.ts';
import type { OutputLimits } from './output-buffer.ts';
import type { JobRegistry } from './registry.ts';
import type { SandboxSpec } from './sandbox.ts';

/** Options of {@link BackgroundExecutor}. */
export interface ExecutorOptions {
  /** Run every job in an OS sandbox unless its spec says `sandbox: false` (see docs/sandbox.md). */
  sandbox?: SandboxSpec;
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

/** The user a job runs as (see {@link ExecutorOptions.isolation}). */
export interface JobIsolation {
  /** Numeric user id, e.g. 65534 (`nobody`). */
  uid: number;
  /** Numeric group id; the same number as `uid` by default. */
  gid?: number;
}

export const DEFAULT_MAX_CONCURRENT = 4;
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_KILL_GRACE_MS = 2_000;
/** Ended jobs kept by default. */
export const DEFAULT_RETAIN_JOBS = 1_000;
/** How long an ended job is kept by default: one hour. */
export const DEFAULT_RETAIN_MS = 60 * 60_000;
/** Default of {@link ExecutorOptions.writeTimeoutMs}. */
export const DEFAULT_WRITE_TIMEOUT_MS = 5_000;
/** Default of {@link ExecutorOptions.promptIdleMs}. */
export const DEFAULT_PROMPT_IDLE_MS = 500;
/** Most bytes of new output a progress notice shows (the newest lines when there is more). */
export const PROGRESS_BYTES = 2_000;
/** Grace between SIGTERM and SIGKILL when the host is shutting down on a signal. */
export const SHUTDOWN_KILL_GRACE_MS = 250;
/** Bytes of output shown in a notice. */
export const NOTICE_TAIL_BYTES = 2_000;
/** Lines of output shown in a notice. */
export const NOTICE_TAIL_LINES = 20;

/** The checked numbers of {@link ExecutorOptions}, defaults filled in. */
export interface ExecutorLimits {
  maxConcurrent: number;
  defaultTimeoutMs: number;
  killGraceMs: number;
  retainJobs: number;
  retainMs: number;
  writeTimeoutMs: number;
}

/** Checks `options` (an {@link InvalidJobSpecError} names the first bad one) and fills in defaults. */
export function checkExecutorOptions(options: ExecutorOptions): ExecutorLimits {
  const limits: ExecutorLimits = {
    maxConcurrent: Math.floor(positiveInt('maxConcurrent', options.maxConcurrent, DEFAULT_MAX_CONCURRENT)),
    defaultTimeoutMs: checkDuration('defaultTimeoutMs', options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS, { infinite: true }),
    killGraceMs: checkDuration('killGraceMs', options.killGraceMs ?? DEFAULT_KILL_GRACE_MS),
    retainJobs: count('retainJobs', options.retainJobs, DEFAULT_RETAIN_JOBS),
    writeTimeoutMs: checkDuration('writeTimeoutMs', options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS),
    retainMs: checkDuration('retainMs', options.retainMs ?? DEFAULT_RETAIN_MS, { zero: true, infinite: true }),
  };
  if (options.isolation !== undefined) {
    const { uid, gid = uid } = options.isolation;
    if (![uid, gid].every((n) => Number.isInteger(n) && n >= 0)) {
      throw new InvalidJobSpecError([
        `isolation: uid and gid must be whole numbers, 0 or more, got uid ${String(uid)}, gid ${String(gid)}`,
      ]);
    }
  }
  return limits;
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
