/**
 * The job model: zod schemas for what comes in from outside (job specs) and the plain types of
 * what the executor hands out (jobs, notices).
 */
import * as z from 'zod';
import { quoteInput } from './quote-input.ts';
import { SandboxSpecSchema } from './sandbox.ts';

/** Longest accepted command, in characters; longer input is almost surely a mistake. */
export const MAX_COMMAND_LENGTH = 100_000;

/** Job ids: short, readable, safe in a file name and in an XML attribute. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Schema of a job id chosen by a caller. */
export const JobIdSchema = z
  .string()
  .regex(JOB_ID_PATTERN, 'must be 1-64 characters: letters, digits, ".", "_" or "-", starting with a letter or digit');

/** Environment variable names a job may set: a letter or `_`, then letters, digits or `_`. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Schema of the variables a spec sets: POSIX names, values without NUL (execve cannot carry one). */
export const JobEnvSchema = z.record(z.string(), z.string()).superRefine((env, ctx) => {
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME_PATTERN.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `${quoteInput(name)} is not a valid variable name: use a letter or "_" followed by letters, digits or "_" (no "=", NUL or spaces)`,
      });
    } else if (value.includes('\0')) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'a value must not contain a NUL character' });
    }
  }
});

/** Longest readiness pattern, in characters: a regex from a model is untrusted input. */
export const MAX_READY_PATTERN_LENGTH = 1_000;

/** Schema of {@link JobSpec.ready}: when a job that keeps running counts as ready. */
export const ReadySpecSchema = z.union(
  [
    z
      .object({
        pattern: z
          .string()
          .min(1, 'must not be empty')
          .max(MAX_READY_PATTERN_LENGTH, `must be at most ${MAX_READY_PATTERN_LENGTH} characters`),
      })
      .strict(),
    z.object({ port: z.number().int().min(1).max(65_535) }).strict(),
    z.object({ idleMs: z.number().int().positive() }).strict(),
  ],
  {
    error: 'must be one of { pattern: "<regex>" }, { port: <1-65535> }, { idleMs: <positive whole number of ms> }',
  },
);

/** When a job counts as ready (see {@link JobSpec.ready}). */
export type ReadySpec = z.infer<typeof ReadySpecSchema>;

/** Schema of a {@link JobSpec}. */
export const JobSpecSchema = z
  .object({
    id: JobIdSchema.optional(),
    command: z
      .string()
      .max(MAX_COMMAND_LENGTH, `must be at most ${MAX_COMMAND_LENGTH} characters`)
      .refine((s) => s.trim().length > 0, 'must not be empty'),
    cwd: z.string().min(1, 'must not be empty when given').optional(),
    env: JobEnvSchema.optional(),
    /** Any length (waited in chunks past the 2^31-1 ms timer limit); `Infinity` for none. */
    timeoutMs: z
      .union(
        [
          z.number().int('must be a whole number of milliseconds').positive('must be greater than 0'),
          z.literal(Number.POSITIVE_INFINITY),
        ],
        { error: 'must be a whole number of milliseconds greater than 0, or Infinity for no timeout' },
      )
      .optional(),
    label: z.string().max(200).optional(),
    /**
     * Publish one `ready` notice when an output line matches `pattern`, a process of the job
     * listens on `port`, or the job wrote nothing for `idleMs`; the job keeps running.
     */
    ready: ReadySpecSchema.optional(),
    /** Publish a `progress` notice with the new output at most this often (ms); off by default. */
    progressMs: z.number().int().min(100, 'must be at least 100 ms').optional(),
    /** `pipe`: the job's stdin is a pipe fed by `executor.write`; `null` (default): /dev/null. */
    stdin: z.enum(['null', 'pipe']).optional(),
    /** Also write the whole output to a capped log file, readable at any offset. */
    log: z.boolean().optional(),
    /**
     * Run under a supervisor that outlives the host, recorded in the executor's state directory
     * (see `ExecutorOptions.durable`); default: the executor's choice.
     */
    durable: z.boolean().optional(),
    /**
     * Publish an `idle` notice when the job has written nothing for this long (ms): once per
     * quiet spell (the next after it wrote again). Off by default (see `ExecutorOptions.idleNoticeMs`).
     */
    idleNoticeMs: z.number().int().min(100, 'must be at least 100 ms').optional(),
    /**
     * Publish `watch` notices when an output line matches `pattern`, for as long as the job runs:
     * at most one per `intervalMs` (default 1000), each with the count of matches it covers.
     */
    watch: z
      .object({
        pattern: z
          .string()
          .min(1, 'must not be empty')
          .max(MAX_READY_PATTERN_LENGTH, `must be at most ${MAX_READY_PATTERN_LENGTH} characters`),
        intervalMs: z.number().int().min(100, 'must be at least 100 ms').optional(),
      })
      .strict()
      .optional(),
    /** Run in an OS sandbox (see docs/sandbox.md); `false` opts out of the executor's default. */
    sandbox: SandboxSpecSchema.optional(),
  })
  .strict();

/** What to run: a shell command and how. */
export type JobSpec = z.infer<typeof JobSpecSchema>;

/** Every state a job can be in; the last five are final. */
export const JOB_STATES = ['queued', 'running', 'completed', 'failed', 'killed', 'timed_out', 'lost'] as const;
export const JobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobStateSchema>;

/** States a job never leaves. */
export type FinalJobState = Exclude<JobState, 'queued' | 'running'>;

/** True when `state` is final. */
export function isFinalState(state: JobState): state is FinalJobState {
  return state !== 'queued' && state !== 'running';
}

/** Byte counts of a job's output (stdout and stderr interleaved as they arrived). */
export interface JobOutputInfo {
  /** Total bytes the job wrote. */
  bytes: number;
  /** Bytes dropped between the kept head and tail. */
  omittedBytes: number;
  /** True when some bytes were dropped. */
  truncated: boolean;
}

/** A snapshot of a job. */
export interface Job {
  id: string;
  spec: JobSpec;
  state: JobState;
  pid?: number;
  exitCode?: number | null;
  signal?: string | null;
  /** True when SIGTERM was not enough and the group had to be SIGKILLed. */
  forced?: boolean;
  /** Why the process could not start, when it could not. */
  error?: string;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  output: JobOutputInfo;
  /** The job's full log on disk, while kept (see `JobSpec.log`). */
  log?: { path: string; bytes: number; capped: boolean };
}

/**
 * What a notice reports: `final` (the job ended; exactly once per job), `ready` (its readiness
 * condition held; once), `progress` (new output of a running job), `input_required` (a piped
 * job seems to wait at a prompt; once per prompt), `idle` (it wrote nothing for a while; once per
 * quiet spell), `watch` (output lines matched its watch pattern; coalesced, with a count).
 */
export type NoticeKind = 'final' | 'ready' | 'progress' | 'input_required' | 'idle' | 'watch';

/** Which readiness condition held (or why a wait stopped). */
export type ReadyMet = 'pattern' | 'port' | 'idle';

/** True when `notice` reports a job's end (its kind is `final` or absent). */
export function isFinalNotice<N extends Pick<Notice, 'kind' | 'state'>>(notice: N): notice is N & { state: FinalJobState } {
  return (notice.kind === undefined || notice.kind === 'final') && notice.state !== 'running';
}

/**
 * A message about a job: the one published when it reaches its final state (`kind` absent or
 * `final`), or one published while it runs (`ready`, `progress`, `input_required`; `state` is
 * then `running`).
 */
export interface Notice {
  jobId: string;
  /** Absent means `final`. */
  kind?: NoticeKind;
  state: FinalJobState | 'running';
  exitCode: number | null;
  signal: string | null;
  /** Run time (start to end); 0 for a job killed before it started. */
  durationMs: number;
  outputBytes: number;
  /** The last lines of output, decoded, bounded. */
  tail: string;
  truncated: boolean;
  /** Publication order, from 1, per bus. */
  seq: number;
  /** Clock time at which the job ended (runtime.now()). */
  endedAt: number;
  command: string;
  label?: string;
  /** `ready` notices: the condition that held. */
  ready?: ReadyMet;
  /** `ready` by pattern: the matched text. */
  match?: string;
  /** `idle` notices: how long the job has written nothing (ms). */
  idleMs?: number;
  /** `watch` notices: how many matching lines this notice covers (`tail` shows the newest). */
  count?: number;
  /** `ready` by port: `unknown` when the runtime could not tell that the job owns the listener. */
  portOwner?: 'unknown';
  /** `progress` notices: byte offsets of `tail` in the output, `[fromByte, toByte)`. */
  fromByte?: number;
  toByte?: number;
  /** Final notices of sandboxed jobs: what the sandbox seems to have blocked, from the output. */
  sandbox?: string;
}
