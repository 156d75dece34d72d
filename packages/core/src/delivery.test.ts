// Delivery under faults: 500 jobs ending in bursts while every third model request fails.
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { BackgroundExecutor } from './executor.ts';

describe('delivery', () => {
  test('500 jobs ending in bursts reach a consumer whose every third request fails exactly once, in completion order', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime, { maxConcurrent: 50 });
    const consumer = executor.bus.consumer('model');
    // Bursts: ten jobs end at each whole second.
    const ids = Array.from({ length: 500 }, (_, i) => executor.submit({ command: `sleep ${1 + Math.floor(i / 10)}` }).id);
    const seen: string[] = [];
    let requests = 0;
    while (seen.length < ids.length) {
      await consumer.ready();
      const lease = consumer.lease();
      requests++;
      if (requests % 3 === 0) {
        consumer.release(lease); // the request failed: the same notices ride the next one
        continue;
      }
      seen.push(...lease.notices.map((n) => n.jobId));
      consumer.ack(lease);
      await runtime.sleep(700); // the model thinks; more jobs end meanwhile
    }
    const completionOrder = executor.bus.history().map((n) => n.jobId);
    expect(seen).toEqual(completionOrder);
    expect(new Set(seen).size).toBe(500);
    expect(requests).toBeGreaterThan(3);
    await executor.close();
    expect(consumer.pending()).toEqual([]);
  });

  test('nothing is delivered after the bus is closed', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const consumer = executor.bus.consumer('model');
    executor.submit({ command: 'sleep 5' });
    executor.bus.close();
    await runtime.sleep(10_000);
    expect(consumer.pending()).toEqual([]);
    await expect(consumer.next()).rejects.toThrow(/closed/);
    await executor.close();
  });
});
