// One way to give Redis and its credentials: BGTASKS_REDIS_URL, read by QueueExecutor.open and
// startWorker (and the bins) when no URL is passed. A free port with nothing listening shows which
// URL was used without needing a Redis.
import { createRuntime } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { RedisUnavailableError } from './errors.ts';
import { QueueExecutor } from './queue-executor.ts';
import { freePort } from './test-support/redis.ts';
import { startWorker } from './worker.ts';

function runtimeWith(env: Record<string, string>) {
  const real = createRuntime();
  return { ...real, env: () => ({ ...real.env(), ...env }) };
}

describe('BGTASKS_REDIS_URL', () => {
  test('QueueExecutor.open and startWorker connect to it when no redis option is given, password hidden', async () => {
    const port = await freePort();
    const runtime = runtimeWith({ BGTASKS_REDIS_URL: `redis://ci:s3cret@127.0.0.1:${port}` });
    const host = await QueueExecutor.open({ runtime, timeoutMs: 2_000 }).catch((e) => e);
    expect(RedisUnavailableError.isInstance(host)).toBe(true);
    expect(host.url).toBe(`redis://ci:***@127.0.0.1:${port}`);
    expect(host.message).not.toContain('s3cret');
    // The message speaks to a library caller as well as to a CLI user.
    expect(host.message).toContain('"redis" option');
    expect(host.message).toContain('BGTASKS_REDIS_URL');
    const worker = await startWorker({ runtime, timeoutMs: 2_000 }).catch((e) => e);
    expect(RedisUnavailableError.isInstance(worker)).toBe(true);
    expect(worker.url).toBe(`redis://ci:***@127.0.0.1:${port}`);
  });

  test('an explicit redis option wins over it', async () => {
    const [fromEnv, given] = [await freePort(), await freePort()];
    const runtime = runtimeWith({ BGTASKS_REDIS_URL: `redis://127.0.0.1:${fromEnv}` });
    const error = await QueueExecutor.open({ runtime, redis: `redis://127.0.0.1:${given}`, timeoutMs: 2_000 }).catch((e) => e);
    expect(error.url).toBe(`redis://127.0.0.1:${given}`);
  });
});
