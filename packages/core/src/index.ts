/** @module @bgtasks/core: the job model, BackgroundExecutor, NotificationBus, OutputBuffer, notices, errors, Runtime. */

export { describeIssues } from './describe-issues.ts';
export {
  AbortedError,
  BgTasksError,
  type BgTasksErrorOptions,
  DuplicateJobIdError,
  ExecutorClosedError,
  InvalidJobSpecError,
  LeaseError,
  UnknownJobError,
} from './errors.ts';
export {
  BackgroundExecutor,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_TIMEOUT_MS,
  type ExecutorOptions,
  NOTICE_TAIL_BYTES,
  NOTICE_TAIL_LINES,
} from './executor.ts';
export type { CloseOptions, Executor, NoticeBus, NoticeConsumer, WaitOptions, WaitResult } from './executor-api.ts';
export {
  type FinalJobState,
  isFinalState,
  JOB_ID_PATTERN,
  JOB_STATES,
  type Job,
  JobIdSchema,
  type JobOutputInfo,
  type JobSpec,
  JobSpecSchema,
  type JobState,
  JobStateSchema,
  MAX_COMMAND_LENGTH,
  type Notice,
} from './job.ts';
export { buildJobEnv, isSecretName, type JobEnvOptions, NON_INTERACTIVE_ENV } from './job-env.ts';
export { formatNotice, formatNotices, NOTICE_HEADER, type ParsedNotice, parseNotices } from './notice.ts';
export {
  Consumer,
  type ConsumerOptions,
  type JobSource,
  type Lease,
  NotificationBus,
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
export { QUOTE_MAX_CHARS, quoteInput } from './quote-input.ts';
export type { JobRecord, JobRegistry, ReapedJob } from './registry.ts';
export type {
  Child,
  ExitStatus,
  KillSignal,
  Runtime,
  RuntimeName,
  ShutdownHook,
  SpawnOptions,
} from './runtime.ts';
