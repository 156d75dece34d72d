/** Redis connections: one URL, options per role, and the URL shown in messages without its password. */
import type { Runtime } from '@bgtasks/core';
import { Redis, type RedisOptions } from 'ioredis';

/** The default Redis URL. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The environment variable every entry point reads for the Redis URL (and its credentials) when none is given. */
export const REDIS_URL_ENV = 'BGTASKS_REDIS_URL';

/** `$BGTASKS_REDIS_URL` of `runtime`'s environment, or undefined when unset or empty. */
export function redisUrlFromEnv(runtime: Pick<Runtime, 'env'>): string | undefined {
  const url = runtime.env()[REDIS_URL_ENV];
  return url === undefined || url === '' ? undefined : url;
}

/** `url` with any password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(an unparsable Redis URL)';
  }
}

/**
 * A connection for commands the caller waits on: it never queues commands while disconnected
 * (so `submit` fails fast instead of hanging) and reconnects with a capped backoff.
 */
export function commandConnection(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    lazyConnect: true,
  } satisfies RedisOptions);
}

/** A connection BullMQ can block on (it requires `maxRetriesPerRequest: null`), or a subscriber. */
export function blockingConnection(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    lazyConnect: true,
  } satisfies RedisOptions);
}
