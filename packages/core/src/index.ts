/** @module @bgtasks/core: the job model, BackgroundExecutor, NotificationBus, OutputBuffer, notices, errors, Runtime. */

export type { DurableOptions } from './durable-jobs.ts';
export {
  DURABLE_RECORD_VERSION,
  type DurableEnd,
  DurableEndSchema,
  type DurableExit,
  type DurableJobFiles,
  type DurableJobRecord,
  DurableJobRecordSchema,
  type DurableLoad,
  type DurableProblem,
  type DurableProcesses,
  type DurableStore,
  StateDirError,
} from './durable-store.ts';
export { parseExitFile, statusToExit, supervisorCommand } from './durable-supervisor.ts';
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
  JobInputError,
  LeaseError,
  UnknownJobError,
  UnsupportedError,
} from './errors.ts';
export { BackgroundExecutor } from './executor.ts';
export type {
  CloseOptions,
  Executor,
  NoticeBus,
  NoticeConsumer,
  WaitForOptions,
  WaitForResult,
  WaitOptions,
  WaitResult,
} from './executor-api.ts';
export {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_PROMPT_IDLE_MS,
  DEFAULT_RETAIN_JOBS,
  DEFAULT_RETAIN_MS,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_WRITE_TIMEOUT_MS,
  type ExecutorOptions,
  type JobIsolation,
  NOTICE_TAIL_BYTES,
  NOTICE_TAIL_LINES,
  PROGRESS_BYTES,
} from './executor-options.ts';
export {
  DEFAULT_LOG_MAX_BYTES,
  DEFAULT_LOG_TOTAL_BYTES,
  DEFAULT_LOG_TTL_MS,
  LOG_HIGH_WATER_BYTES,
  type LogOptions,
} from './full-log.ts';
export {
  ENV_NAME_PATTERN,
  type FinalJobState,
  isFinalNotice,
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
  MAX_READY_PATTERN_LENGTH,
  type Notice,
  type NoticeKind,
  type ReadyMet,
  type ReadySpec,
  ReadySpecSchema,
} from './job.ts';
export { looksLikePrompt, MAX_MATCH_LINE_CHARS } from './job-watch.ts';
export {
  fenceOutput,
  formatNotice,
  formatNotices,
  MIXED_NOTICE_HEADER,
  NOTICE_HEADER,
  type ParsedNotice,
  parseNotices,
} from './notice.ts';
export {
  type AckObserver,
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
  type ChildStdin,
  type ExitStatus,
  type FileSink,
  JOB_MARKER_VAR,
  type KillSignal,
  type Runtime,
  type RuntimeFiles,
  type RuntimeName,
  type ShutdownHook,
  type SpawnOptions,
} from './runtime.ts';
export { compileSafePattern, MAX_SAFE_PATTERN_LENGTH, MAX_SAFE_PATTERN_PROGRAM, type SafePattern } from './safe-pattern.ts';
export {
  checkSandbox,
  DEFAULT_DENY_READ,
  resolveSandbox,
  type SandboxContext,
  type SandboxSpec,
  SandboxSpecSchema,
  SandboxUnavailableError,
  type SpawnSandbox,
  sandboxViolations,
} from './sandbox.ts';
export { MAX_QUEUED_INPUT_BYTES } from './stdin-feed.ts';
