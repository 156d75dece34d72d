import { describe, expect, test } from 'vitest';
import { resultRow } from './fixtures/result-rows.ts';
import { costTable, markdownReport } from './report.ts';
import type { ResultRow } from './result-row.ts';
import { groupedBars, stackedBars } from './svg.ts';

const row = (over: Partial<ResultRow>): ResultRow => resultRow(over);

describe('report', () => {
  test('the Markdown report has the efficiency table, one table per workload, and real vs virtual', () => {
    const rows = [
      row({}),
      row({ strategy: 'block', makespanMs: 80_000, efficiency: 0.475 }),
      row({ clock: 'real', scale: 0.05, makespanMs: 42_000 }),
    ];
    const md = markdownReport(rows, { title: 'Bench', charts: ['makespan.svg'] });
    expect(md).toContain('| W1 | 0.95 | 0.47 |');
    expect(md).toContain('### W1 (lower bound 38.0 s)');
    expect(md).toContain('| W1 | inject | 40.0 | 42.0 | +5.0% |');
    expect(md).toContain('![makespan.svg](makespan.svg)');
  });

  test('the cost table: dollars per workload and strategy, and the cheapest at equal makespan', () => {
    const rows = [
      row({ strategy: 'block', makespanMs: 80_000, costUsd: 0.01 }),
      row({ strategy: 'poll:bg_wait', makespanMs: 40_100, costUsd: 0.015 }),
      row({}),
    ];
    const md = markdownReport(rows, { title: 'Bench', costNote: 'list prices' });
    expect(md).toContain('## Cost per run in US dollars, virtual time (list prices)');
    expect(md).toContain('| workload | block | poll:bg_wait | inject | cheapest at equal makespan |');
    expect(md).toContain('| W1 | 0.0100 | 0.0150 | 0.0123 | inject ($0.0123) |');
    expect(costTable(rows.map((r) => (r.strategy === 'poll:bg_wait' ? { ...r, costUsd: 0.012 } : r)))).toContain(
      '| poll:bg_wait ($0.0120) |',
    );
  });

  test('the report says what every workload it shows is: W1-W6 by scenario, W7 once', () => {
    const rows = [row({}), row({ workload: 'W6' }), row({ workload: 'W7-1' }), row({ workload: 'W7-2' })];
    const md = markdownReport(rows, { title: 'Bench' });
    expect(md).toContain('## The workloads');
    expect(md).toContain('| W1 | four independent jobs (20-120 s) (`w1-independent.yaml`) |');
    expect(md).toContain('| W6 | lint fails after 5 s;');
    expect(md).toContain('| W7 | 2 random task graphs');
    expect(md).not.toContain('| W2 |');
  });

  test('charts are SVG with one bar per value and escaped labels', () => {
    const svg = groupedBars({
      title: 'Makespan <s>',
      series: ['block', 'inject'],
      groups: [{ label: 'W1', values: [80, 40], marker: 38 }],
      unit: 's',
      markerLabel: 'lower bound',
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Makespan &lt;s&gt;');
    expect(svg.match(/height="12" fill/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
    const stacked = stackedBars({ title: 't', kinds: ['a', 'b'], bars: [{ label: 'x', values: [1, 2] }], unit: 'tokens' });
    expect(stacked).toContain('>3<');
  });
});
