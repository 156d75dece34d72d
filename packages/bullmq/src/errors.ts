/** Errors of the queue backend; like every bgtasks error they carry a `Symbol.for` marker. */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';
import { defineError } from '@bgtasks/core/internal';

/** Redis could not be reached (or did not answer in time); nothing was submitted. */
export class RedisUnavailableError extends BgTasksError {
  static override readonly isInstance = defineError<RedisUnavailableError>(this, 'RedisUnavailableError');
  /** The Redis URL with any password removed. */
  readonly url: string;

  constructor(url: string, detail: string, options: BgTasksErrorOptions = {}) {
    super(
      `Redis at ${url} is unreachable (${detail}); start Redis or give its URL (the "redis" option, bgtasks-agent/bgtasks-worker --redis, or BGTASKS_REDIS_URL, e.g. redis://user:password@host:port), then retry`,
      options,
    );
    this.url = url;
  }
}

/** No worker is connected to the queue, so submitted jobs would wait forever. */
export class NoWorkerError extends BgTasksError {
  static override readonly isInstance = defineError<NoWorkerError>(this, 'NoWorkerError');
  readonly queue: string;

  constructor(queue: string, url: string, options: BgTasksErrorOptions = {}) {
    super(
      `no bgtasks worker is connected to queue "${queue}" at ${url}; start one (bgtasks-worker --redis ${url} --queue ${queue} --concurrency 4), or let bgtasks-agent start some (--workers N)`,
      options,
    );
    this.queue = queue;
  }
}
