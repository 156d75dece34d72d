import { builtinScenario } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';
import { runBench } from './run-bench.ts';

// W4's graph: two long jobs (300 s, 240 s). Under block the first request starts the 300 s job
// in the foreground, so the next request comes more than the 5-minute TTL later.
const W4 = { id: 'W4', scenario: builtinScenario('job-bound'), seed: 1 };
const SYSTEM = 8_000;

describe('prompt caching with a realistic system prompt', () => {
  test('every strategy writes tools + system once, then reads them from cache on every request', async () => {
    const rows = await runBench({
      workloads: [W4],
      strategies: ['poll:backoff', 'poll:bg_wait', 'inject'],
      clock: 'virtual',
      runtimeName: 'test',
      systemTokens: SYSTEM,
    });
    for (const r of rows) {
      // Cut at a word boundary: a few tokens short at most.
      expect(r.systemTokens).toBeGreaterThan(SYSTEM - 5);
      // The breakpoint on the newest message leaves nothing uncached.
      expect(r.inputTokens).toBe(0);
      // One write of the prefix (plus each turn's new messages), far less than a second prefix...
      expect(r.cacheWriteTokens).toBeGreaterThan(SYSTEM);
      expect(r.cacheWriteTokens).toBeLessThan(2 * SYSTEM);
      // ...and every later request reads at least the system prompt.
      expect(r.cacheReadTokens).toBeGreaterThanOrEqual((r.turns - 1) * (SYSTEM - 5));
    }
  });

  test('a pause longer than the TTL writes the prefix again (block waits 300 s in the foreground)', async () => {
    const [block] = await runBench({
      workloads: [W4],
      strategies: ['block'],
      clock: 'virtual',
      runtimeName: 'test',
      systemTokens: SYSTEM,
    });
    expect(block!.turns).toBe(3);
    // Request 1 writes; request 2 comes 300 s later, after the TTL: writes again; request 3
    // comes 240 s after request 2: reads.
    expect(block!.cacheWriteTokens).toBeGreaterThan(2 * SYSTEM);
    expect(block!.cacheReadTokens).toBeGreaterThanOrEqual(SYSTEM - 5);
    expect(block!.cacheReadTokens).toBeLessThan(2 * SYSTEM);
  });

  test('the cost is the token split at list prices: uncached, cache write, cache read, output', async () => {
    const [inject] = await runBench({
      workloads: [W4],
      strategies: ['inject'],
      clock: 'virtual',
      runtimeName: 'test',
      systemTokens: SYSTEM,
    });
    const r = inject!;
    // claude-sonnet-4-6: $3 / $3.75 / $0.30 / $15 per million tokens.
    const expected = (r.inputTokens * 3 + r.cacheWriteTokens * 3.75 + r.cacheReadTokens * 0.3 + r.outputTokens * 15) / 1e6;
    expect(r.costUsd).toBeCloseTo(expected, 6);
  });

  test('with the one-line prompt, block (one tool) stays below the cache minimum and pays all input uncached', async () => {
    const [block] = await runBench({
      workloads: [W4],
      strategies: ['block'],
      clock: 'virtual',
      runtimeName: 'test',
      systemTokens: 0,
    });
    expect(block!.systemTokens).toBeLessThan(50);
    expect(block!.inputTokens).toBeGreaterThan(0);
    expect(block!.cacheWriteTokens + block!.cacheReadTokens).toBe(0);
  });
});
