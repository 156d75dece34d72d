/**
 * Durable jobs: the record a job leaves in a state directory so that it outlives its host, and
 * the store interface the executor reads and writes it through. The store itself (files, locks,
 * permissions, processes) is `createDurableStore` in `@bgtasks/runtime`.
 */
import * as z from 'zod';
import { BgTasksError, type BgTasksErrorOptions } from './errors.ts';
import { JOB_STATES, JobIdSchema, JobSpecSchema } from './job.ts';
import type { KillSignal } from './runtime.ts';

/** Version of {@link DurableJobRecord}; a record of another version is reported, not guessed at. */
export const DURABLE_RECORD_VERSION = 1;

/** How a durable job ended, as its record keeps it. */
export const DurableEndSchema = z
  .object({
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    durationMs: z.number().nonnegative(),
    outputBytes: z.number().int().nonnegative(),
    /** Wall-clock ms (epoch). */
    endedAtMs: z.number(),
    forced: z.boolean().optional(),
    error: z.string().optional(),
  })
  .strict();

/** Schema of one job's record file (`<id>.json` in the state directory). */
export const DurableJobRecordSchema = z
  .object({
    version: z.literal(DURABLE_RECORD_VERSION),
    id: JobIdSchema,
    /** The host that started the job: its pid and the name of its state directory. */
    host: z.object({ pid: z.number().int(), name: z.string() }).strict(),
    /** The job's spec (`timeoutMs` is kept as {@link timeoutAtMs}: JSON has no Infinity). */
    spec: JobSpecSchema,
    /** Pid of the job's supervisor: the leader of its process group and session. */
    pid: z.number().int().positive(),
    /** Kernel start time of `pid` (from /proc), so a reused pid is never taken for the job. */
    pidStart: z.string().nullable(),
    /** The job's marker: finds descendants that left its group. */
    marker: z.string().min(1),
    /** The job's full output (stdout and stderr as written). */
    log: z.string().min(1),
    startedAtMs: z.number(),
    /** Wall-clock deadline of the job's timeout; absent for none. */
    timeoutAtMs: z.number().optional(),
    state: z.enum(JOB_STATES),
    end: DurableEndSchema.optional(),
    /** Consumers that acked the job's final notice: it is not delivered to them again. */
    ackedBy: z.array(z.string()),
  })
  .strict();

/** One job as its state directory records it. */
export type DurableJobRecord = z.infer<typeof DurableJobRecordSchema>;
/** How a durable job ended. */
export type DurableEnd = z.infer<typeof DurableEndSchema>;

/** A record that could not be read: the file, the job id its name gives, and what is wrong. */
export interface DurableProblem {
  file: string;
  jobId: string;
  message: string;
}

/** What {@link DurableStore.load} finds. */
export interface DurableLoad {
  records: DurableJobRecord[];
  /** Corrupt, truncated or unreadable records: each job is reported, never dropped silently. */
  problems: DurableProblem[];
}

/** How a job's supervisor (or `bgtasks kill`) recorded its end. */
export interface DurableExit {
  exitCode: number | null;
  signal: string | null;
  /** Wall-clock ms (epoch) when the end was written. */
  endedAtMs: number;
  /** True when `bgtasks kill` (or another tool) asked for the end. */
  killed: boolean;
}

/** The processes of a job found again by pid and marker. */
export interface DurableProcesses {
  kill(signal: KillSignal): void;
  alive(): boolean;
}

/** Files of one job in the store. */
export interface DurableJobFiles {
  /** Append-only output of the job. */
  log: string;
  /** Written (atomically) by the supervisor when the job ends: its exit status. */
  exit: string;
}

/**
 * A state directory of durable jobs, held by one live host at a time (see `createDurableStore`).
 * Record writes are atomic (temporary file, then rename).
 */
export interface DurableStore {
  /** The state directory. */
  readonly dir: string;
  /** Its name, recorded as the host of each job. */
  readonly name: string;
  /** The pid of this host. */
  readonly hostPid: number;
  /** Every record, with the files that could not be read. */
  load(): DurableLoad;
  /** Creates (empty, owner-only) the files of a new job and returns their paths. */
  prepare(jobId: string): DurableJobFiles;
  /** Writes `record` atomically; throws a {@link StateDirError} naming the file on failure. */
  write(record: DurableJobRecord): void;
  /** Removes a job's record, log and exit file (an ended job past retention); missing is fine. */
  remove(jobId: string): void;
  /** Moves a corrupt record aside (keeping it for inspection) so a fresh one can be written. */
  quarantine(jobId: string): void;
  /** Up to `length` bytes of the job's log from `offset`. */
  readLog(jobId: string, offset: number, length: number): Uint8Array;
  /** Size of the job's log in bytes (0 when it is missing). */
  logSize(jobId: string): number;
  /** The job's recorded end, once its supervisor (or a kill) wrote it. */
  readExit(jobId: string): DurableExit | undefined;
  /** The job's processes, found by pid (when still the same process) and marker. */
  processes(record: Pick<DurableJobRecord, 'pid' | 'pidStart' | 'marker'>): DurableProcesses;
  /** Kernel start time of `pid`, or null where it cannot be known. */
  processStart(pid: number): string | null;
  /** Releases the directory's lock; the records stay. */
  close(): void;
}

const STATE_DIR = Symbol.for('bgtasks.error.StateDirError');

/**
 * The state directory cannot be used: owned by another user, writable by others, held by another
 * live host, or a file in it is corrupt or cannot be written. The message names the file.
 */
export class StateDirError extends BgTasksError {
  readonly [STATE_DIR] = true;
  /** The file or directory at fault. */
  readonly path: string;

  constructor(path: string, message: string, options: BgTasksErrorOptions = {}) {
    super(message, options);
    this.name = 'StateDirError';
    this.path = path;
  }

  static override isInstance(value: unknown): value is StateDirError {
    return typeof value === 'object' && value !== null && STATE_DIR in value;
  }
}
