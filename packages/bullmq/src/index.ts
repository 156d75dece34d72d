/** @module @bgtasks/bullmq: a distributed executor on BullMQ and Redis (QueueExecutor, startWorker, durable notices). */
export { NoWorkerError, RedisUnavailableError } from './errors.ts';
export { DEFAULT_REDIS_URL, REDIS_URL_ENV, redactUrl } from './internal/connection.ts';
export {
  DEFAULT_PREFIX,
  DEFAULT_QUEUE,
  DEFAULT_RETAIN_MS,
  QueueExecutor,
  type QueueExecutorOptions,
} from './queue-executor.ts';
export { RedisNoticeBus, type RedisNoticeBusOptions, RedisNoticeConsumer } from './redis-notice-bus.ts';
export { DEFAULT_LOCK_DURATION_MS, type QueueWorker, type StartWorkerOptions, startWorker } from './worker.ts';
