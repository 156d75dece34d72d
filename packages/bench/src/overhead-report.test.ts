import { describe, expect, test } from 'vitest';
import { OVERHEAD_AIM_RATIO, overheadTable, summarizeOverhead } from './overhead-report.ts';

// 1..20 ms raw and twice that through the executor: nearest-rank p50 is the 10th value, p95 the 19th.
const raw = Array.from({ length: 20 }, (_, i) => 20 - i);
const executor = raw.map((x) => 2 * x);

describe('summarizeOverhead', () => {
  test('nearest-rank p50 and p95 of each side and executor / raw at each', () => {
    expect(summarizeOverhead(raw, executor)).toEqual({
      runs: 20,
      rawP50Ms: 10,
      rawP95Ms: 19,
      executorP50Ms: 20,
      executorP95Ms: 38,
      ratioP50: 2,
      ratioP95: 2,
    });
  });

  test('each side is summarised on its own, not paired run by run', () => {
    // The slow executor run pairs with the fastest raw one; the p95 ratio compares the tails.
    const s = summarizeOverhead([1, 2, 3, 4], [4, 3, 2, 100]);
    expect(s.rawP95Ms).toBe(4);
    expect(s.executorP95Ms).toBe(100);
    expect(s.ratioP95).toBe(25);
    expect(s.ratioP50).toBe(1.5);
  });

  test.each([
    [[], []],
    [[1, 2], [1]],
  ])('rejects sides of unequal or no runs (%j, %j)', (r, e) => {
    expect(() => summarizeOverhead(r, e)).toThrow(RangeError);
  });
});

describe('overheadTable', () => {
  test('one Markdown row per runtime with both percentiles and both ratios', () => {
    const table = overheadTable([
      { runtime: 'node (v20.20.2)', ...summarizeOverhead(raw, executor) },
      { runtime: 'bun 1.4.5', ...summarizeOverhead([2, 4], [2.5, 4.4]) },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toBe('| runtime | runs | raw spawn p50 / p95 ms | executor p50 / p95 ms | ratio p50 / p95 |');
    expect(lines[1]).toBe('|---|---:|---:|---:|---:|');
    expect(lines[2]).toBe('| node (v20.20.2) | 20 | 10.00 / 19.00 | 20.00 / 38.00 | 2.00x / 2.00x |');
    expect(lines[3]).toBe('| bun 1.4.5 | 2 | 2.00 / 4.00 | 2.50 / 4.40 | 1.25x / 1.10x |');
  });

  test('names every runtime and percentile that misses the aim, with its figure', () => {
    const table = overheadTable([
      { runtime: 'node', ...summarizeOverhead(raw, executor) },
      { runtime: 'deno', ...summarizeOverhead([10, 10], [12, 14]) },
      { runtime: 'bun', ...summarizeOverhead([10, 10], [10, 10]) },
    ]);
    expect(table.split('\n').at(-1)).toBe(
      `Aim (executor <= ${OVERHEAD_AIM_RATIO}x raw at p50 and p95): missed on node (p50 2.00x, p95 2.00x); deno (p95 1.40x).`,
    );
  });

  test('says the aim is met when no ratio is above it', () => {
    const table = overheadTable([{ runtime: 'bun', ...summarizeOverhead([10, 10], [13, 13]) }], 1.3);
    expect(table.split('\n').at(-1)).toBe('Aim (executor <= 1.3x raw at p50 and p95): met on every runtime.');
  });
});
