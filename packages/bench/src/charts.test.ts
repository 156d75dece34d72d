// The benchmark charts read at a glance: axes fitted to the data with labelled ticks, every
// token kind visible (one panel and axis per kind), a cost chart, and strategies told apart by
// fill pattern and label even where their bars are equally long.
import { describe, expect, test } from 'vitest';
import { costChart, makespanChart, tokensChart } from './charts.ts';
import { resultRow } from './fixtures/result-rows.ts';
import type { ResultRow } from './result-row.ts';
import { fittedAxis, groupedBars } from './svg.ts';

const row = (over: Partial<ResultRow>): ResultRow => resultRow(over);
const widths = (svg: string) =>
  [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="1[26]"/g)].map((m) => Number(m[1]));

describe('benchmark charts', () => {
  test('an axis ends at the first nice tick past the largest value, not the next power of ten', () => {
    expect(fittedAxis(548)).toEqual({ max: 600, step: 100 });
    expect(fittedAxis(127.2)).toEqual({ max: 140, step: 20 });
    expect(fittedAxis(0.0598)).toEqual({ max: 0.06, step: 0.01 });
    expect(fittedAxis(1000)).toEqual({ max: 1000, step: 200 });
    for (const v of [1, 3.3, 17, 99, 101, 548, 61708, 0.31]) {
      const { max, step } = fittedAxis(v);
      expect(max).toBeGreaterThanOrEqual(v);
      expect(max - v).toBeLessThan(step + 1e-9);
      expect(Math.round(max / step)).toBeGreaterThanOrEqual(2);
      expect(Math.round(max / step)).toBeLessThanOrEqual(7);
    }
  });

  test('the makespan chart of a 548 s bar runs to 600 s with a labelled tick every 100 s', () => {
    const rows = [
      row({ strategy: 'block', makespanMs: 548_000, lowerBoundMs: 120_000 }),
      row({ strategy: 'inject', makespanMs: 130_000 }),
    ];
    const svg = makespanChart(rows);
    for (const t of ['>0<', '>100<', '>300<', '>500<', '>600 s<']) expect(svg).toContain(t);
    expect(svg).not.toContain('1000');
  });

  test('strategies of equal value differ in fill and each bar names its strategy', () => {
    const svg = groupedBars({
      title: 't',
      series: ['poll:backoff', 'poll:bg_wait', 'inject'],
      groups: [{ label: 'W1', values: [127.2, 127.2, 127.2] }],
      unit: 's',
    });
    const fills = [...svg.matchAll(/height="12" fill="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(fills).size).toBe(3);
    expect(svg).toContain('<pattern id="p1"');
    for (const s of ['poll:backoff', 'poll:bg_wait', 'inject']) expect(svg).toContain(`127.2 ${s}<`);
  });

  test('the token chart gives each kind its own axis, so 500 output tokens are as visible as 60,000 cache reads', () => {
    const rows = [
      row({ strategy: 'block', inputTokens: 40, cacheWriteTokens: 2_000, cacheReadTokens: 60_000, outputTokens: 500 }),
      row({ strategy: 'inject', inputTokens: 20, cacheWriteTokens: 1_500, cacheReadTokens: 45_000, outputTokens: 450 }),
    ];
    const svg = tokensChart(rows);
    for (const kind of ['input (uncached)', 'cache write', 'cache read', 'output']) expect(svg).toContain(`>${kind}</text>`);
    const bars = widths(svg);
    expect(bars).toHaveLength(8);
    // The larger strategy of every kind fills most of its own panel's width.
    for (let k = 0; k < 4; k++) expect(Math.max(bars[2 * k] ?? 0, bars[2 * k + 1] ?? 0)).toBeGreaterThan(300);
    expect(svg).toContain('>60,000 block<');
    expect(svg).toContain('>500 block<');
  });

  test('the cost chart has a bar per workload and strategy, W7 as one mean, in USD', () => {
    const rows = [
      row({ strategy: 'block', costUsd: 0.047 }),
      row({ strategy: 'inject', costUsd: 0.0561 }),
      row({ workload: 'W7-1', strategy: 'inject', costUsd: 0.1 }),
      row({ workload: 'W7-2', strategy: 'inject', costUsd: 0.2 }),
    ];
    const svg = costChart(rows);
    expect(svg).toContain('>W1<');
    expect(svg).toContain('>0.150 inject<'); // the W7 mean
    expect(svg).toContain('>0.056 inject<');
    expect(svg).toContain(' USD<');
  });
});
