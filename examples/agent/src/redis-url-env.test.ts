// bgtasks-agent reads BGTASKS_REDIS_URL for --redis, as the worker and QueueExecutor.open do.

import { UsageError } from '@bgtasks/runtime/cli';
import { describe, expect, test } from 'vitest';
import { DEFAULT_REDIS_URL, parseCli } from './args.ts';

describe('bgtasks-agent --redis', () => {
  test('defaults to BGTASKS_REDIS_URL, then to the local Redis; the flag wins over both', () => {
    const env = { BGTASKS_REDIS_URL: 'redis://ci:pw@10.0.0.5:6380' };
    expect(parseCli(['--backend', 'bullmq'], env).redis).toBe('redis://ci:pw@10.0.0.5:6380');
    expect(parseCli(['--backend', 'bullmq'], {}).redis).toBe(DEFAULT_REDIS_URL);
    expect(parseCli(['--backend', 'bullmq'], { BGTASKS_REDIS_URL: '' }).redis).toBe(DEFAULT_REDIS_URL);
    expect(parseCli(['--redis', 'redis://127.0.0.1:7000'], env).redis).toBe('redis://127.0.0.1:7000');
  });

  test('a BGTASKS_REDIS_URL that is not a Redis URL is bad input, named as such', () => {
    const error = (() => {
      try {
        parseCli([], { BGTASKS_REDIS_URL: 'localhost:6379' });
      } catch (e) {
        return e;
      }
    })();
    expect(UsageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('BGTASKS_REDIS_URL must be a URL');
  });
});
