/** @module @bgtasks/core: the job model, BackgroundExecutor, NotificationBus, OutputBuffer, notices, errors, Runtime. */

export { checkDuration, type DurationRules, MAX_TIMER_MS } from './duration.ts';
export {
  AbortedError,
  BgTasksError,
  type BgTasksErrorOptions,
  DuplicateJobIdError,
  ExecutorClosedError,
  InvalidDurationError,
  InvalidJobSpecError,
  JobDroppedError,
  LeaseError,
  UnknownJobError,
} from './errors.ts';
export {
  BackgroundExecutor,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_RETAIN_JOBS,
  DEFAULT_RETAIN_MS,
  DEFAULT_TIMEOUT_MS,
  type ExecutorOptions,
  type JobIsolation,
  NOTICE_TAIL_BYTES,
  NOTICE_TAIL_LINES,
} from './executor.ts';
export type { CloseOptions, Executor, NoticeBus, NoticeConsumer, WaitOptions, WaitResult } from './executor-api.ts';
export {
  ENV_NAME_PATTERN,
  type FinalJobState,
  isFinalState,
  JOB_ID_PATTERN,
  JOB_STATES,
  type Job,
  JobEnvSchema,
  JobIdSchema,
  type JobOutputInfo,
  type JobSpec,
  JobSpecSchema,
  type JobState,
  JobStateSchema,
  MAX_COMMAND_LENGTH,
  type Notice,
} from './job.ts';
export { fenceOutput, formatNotice, formatNotices, NOTICE_HEADER, type ParsedNotice, parseNotices } from './notice.ts';
export {
  type ConsumerOptions,
  DEFAULT_MAX_HISTORY,
  type Lease,
  NotificationBus,
  type NotificationBusOptions,
} from './notification-bus.ts';
export {
  type ByteRange,
  DEFAULT_HEAD_BYTES,
  DEFAULT_READ_LIMIT_BYTES,
  DEFAULT_TAIL_BYTES,
  OutputBuffer,
  type OutputLimits,
  type OutputSlice,
  type OutputSnapshot,
  type ReadOptions,
} from './output-buffer.ts';
export type { JobRecord, JobRegistry, ReapedJob } from './registry.ts';
export {
  type Child,
  type ExitStatus,
  JOB_MARKER_VAR,
  type KillSignal,
  type Runtime,
  type RuntimeName,
  type ShutdownHook,
  type SpawnOptions,
} from './runtime.ts';
