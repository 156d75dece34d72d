import { describe, expect, test } from 'vitest';
import { makespanChart } from './charts.ts';
import { resultRow } from './fixtures/result-rows.ts';
import { efficiencyTable, markdownReport } from './report.ts';
import { isRandomGraph, w7Section, w7Summaries } from './report-w7.ts';
import type { ResultRow } from './result-row.ts';
import { summaryTable } from './summary.ts';

function row(workload: string, strategy: string, makespanMs: number, lowerBoundMs: number, costUsd = 0.01): ResultRow {
  return resultRow({
    workload,
    strategy,
    makespanMs,
    lowerBoundMs,
    efficiency: Math.round((lowerBoundMs / makespanMs) * 1000) / 1000,
    turns: 4,
    productiveTurns: 4,
    inputTokens: 100,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    outputTokens: 50,
    costUsd,
    noticeLatencyP50Ms: null,
    noticeLatencyP95Ms: null,
    noticeLatencyMaxMs: null,
  });
}

// Ten graphs with lower bound 10 s: inject at efficiency 1.0, 0.5, 1.0, 0.5 ... (mean 0.75),
// block at 0.5 everywhere; plus W1, which is no W7 graph.
const graphs = Array.from({ length: 10 }, (_, i) => [
  row(`W7-${i + 1}`, 'block', 20_000, 10_000, 0.02),
  row(`W7-${i + 1}`, 'inject', i % 2 === 0 ? 10_000 : 20_000, 10_000, 0.01),
]).flat();
const rows = [row('W1', 'block', 50_000, 40_000), row('W1', 'inject', 40_000, 40_000), ...graphs];

describe('W7 in the report', () => {
  test('only W7-N ids are graphs', () => {
    expect(['W7-1', 'W7-100', 'W7', 'W1', 'W17-1'].map(isRandomGraph)).toEqual([true, true, false, false, false]);
  });

  test('per strategy: mean, Student-t interval, p10, p90 and means of makespan, bound and cost', () => {
    const [block, inject] = w7Summaries(rows);
    expect(block).toMatchObject({ strategy: 'block', graphs: 10, efficiency: { mean: 0.5, low: 0.5, high: 0.5 } });
    expect(block?.meanCostUsd).toBeCloseTo(0.02, 10);
    expect(inject?.strategy).toBe('inject');
    expect(inject?.efficiency.mean).toBeCloseTo(0.75, 10);
    // s = sqrt(10 × 0.0625 / 9) = 0.263523; t(0.975, 9) = 2.262157; half = 0.188512.
    expect(inject?.efficiency.low).toBeCloseTo(0.561488, 5);
    expect(inject?.efficiency.high).toBeCloseTo(0.938512, 5);
    expect(inject).toMatchObject({ efficiencyP10: 0.5, efficiencyP90: 1, meanMakespanMs: 15_000, meanLowerBoundMs: 10_000 });
  });

  test('the section has one row per strategy and the graphs in a collapsed block', () => {
    const md = w7Section(rows) ?? '';
    expect(md).toContain('## W7: 10 random task graphs');
    expect(md).toContain('| inject | 0.750 | 0.561 - 0.939 | 0.500 | 1.000 | 15.0 / 10.0 | 4.0 | 0.0100 |');
    expect(md).toContain('| block | 0.500 | 0.500 - 0.500 | 0.500 | 0.500 | 20.0 / 10.0 | 4.0 | 0.0200 |');
    expect(md).toMatch(/<details>[\s\S]*\| W7-10 \| 10\.0 \| 0\.50 \| 0\.50 \|[\s\S]*<\/details>/);
    expect(w7Section(rows.slice(0, 2))).toBeNull();
  });

  test('the summary, efficiency table, per-workload tables and chart show W7 once, not per graph', () => {
    expect(efficiencyTable(rows)).toContain('| W7 mean of 10 | 0.50 | 0.75 |');
    expect(efficiencyTable(rows)).not.toContain('W7-1 ');
    const summary = summaryTable(rows);
    expect(summary).not.toContain('W7-');
    expect(summary).toContain('| W7 mean of 10 | 10.0 | 20.0 | - | 15.0 | 0.75 (95% CI 0.561-0.939) | 1.33x |');
    const report = markdownReport(rows, { title: 't' });
    expect(report).not.toContain('### W7-');
    expect(report.match(/\| W7-3 \|/g)).toHaveLength(1); // only inside the collapsed block
    const svg = makespanChart(rows);
    expect(svg).toContain('W7 mean of 10');
    expect(svg).not.toContain('W7-1<');
  });
});
