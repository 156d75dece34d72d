// What the queue backend cannot relay yet is refused, never silently ignored: a watch or idle
// notices asked of a queued job are an UnsupportedError naming the field.
import { UnsupportedError } from '@bgtasks/core';
import { afterEach, describe, expect, test } from 'vitest';
import { QueueExecutor } from './queue-executor.ts';
import { deletePrefix, SHARED_REDIS, uniquePrefix } from './test-support/redis.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('QueueExecutor refuses job features it cannot relay', () => {
  test('watch and idleNoticeMs are refused naming the field', async () => {
    const prefix = uniquePrefix();
    cleanups.push(() => deletePrefix(SHARED_REDIS, prefix));
    const executor = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue: 'q', pollIntervalMs: 200 });
    cleanups.push(() => executor.close());
    const watch = await executor.submit({ command: 'true', watch: { pattern: 'x' } }).catch((e: unknown) => e);
    expect(UnsupportedError.isInstance(watch)).toBe(true);
    expect((watch as Error).message).toMatch(/^watch: not supported by the bullmq backend yet/);
    const idle = await executor.submit({ command: 'true', idleNoticeMs: 1_000 }).catch((e: unknown) => e);
    expect((idle as Error).message).toMatch(/^idleNoticeMs: not supported/);
  });
});
