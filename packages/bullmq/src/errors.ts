/** Errors of the queue backend; like every bgtasks error they carry a `Symbol.for` marker. */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';

const UNAVAILABLE = Symbol.for('bgtasks.error.RedisUnavailableError');
/** Redis could not be reached (or did not answer in time); nothing was submitted. */
export class RedisUnavailableError extends BgTasksError {
  readonly [UNAVAILABLE] = true;
  /** The Redis URL with any password removed. */
  readonly url: string;

  constructor(url: string, detail: string, options: BgTasksErrorOptions = {}) {
    super(
      `Redis at ${url} is unreachable (${detail}); start Redis or give its URL (the "redis" option, bgtasks-agent/bgtasks-worker --redis, or BGTASKS_REDIS_URL, e.g. redis://user:password@host:port), then retry`,
      options,
    );
    this.name = 'RedisUnavailableError';
    this.url = url;
  }

  static override isInstance(value: unknown): value is RedisUnavailableError {
    return typeof value === 'object' && value !== null && UNAVAILABLE in value;
  }
}

const NO_WORKER = Symbol.for('bgtasks.error.NoWorkerError');
/** No worker is connected to the queue, so submitted jobs would wait forever. */
export class NoWorkerError extends BgTasksError {
  readonly [NO_WORKER] = true;
  readonly queue: string;

  constructor(queue: string, url: string, options: BgTasksErrorOptions = {}) {
    super(
      `no bgtasks worker is connected to queue "${queue}" at ${url}; start one (bgtasks-worker --redis ${url} --queue ${queue} --concurrency 4), or let bgtasks-agent start some (--workers N)`,
      options,
    );
    this.name = 'NoWorkerError';
    this.queue = queue;
  }

  static override isInstance(value: unknown): value is NoWorkerError {
    return typeof value === 'object' && value !== null && NO_WORKER in value;
  }
}
