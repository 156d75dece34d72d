/** The benchmark's charts: makespan against the lower bound, tokens by kind and cost per strategy. */
import { isRandomGraph, w7Label, w7Summaries } from './report-w7.ts';
import type { ResultRow } from './result-row.ts';
import { mean } from './stats.ts';
import { type BarGroup, groupedBars, panels } from './svg.ts';

/**
 * Makespan per workload (groups) and strategy (bars), with the lower bound as a dashed marker.
 * The W7 graphs make one group: the mean makespan per strategy against the mean lower bound.
 */
export function makespanChart(rows: readonly ResultRow[], title = 'Makespan against the lower bound (virtual time)'): string {
  const strategies = [...new Set(rows.map((r) => r.strategy))];
  const workloads = [...new Set(rows.filter((r) => !isRandomGraph(r.workload)).map((r) => r.workload))];
  const groups: BarGroup[] = workloads.map((w) => {
    const group = rows.filter((r) => r.workload === w);
    return {
      label: w,
      values: strategies.map((st) => {
        const r = group.find((x) => x.strategy === st);
        return r ? r.makespanMs / 1000 : null;
      }),
      marker: (group[0]?.lowerBoundMs ?? 0) / 1000,
    };
  });
  const w7 = w7Summaries(rows);
  if (w7.length > 0)
    groups.push({
      label: w7Label(rows),
      values: strategies.map((st) => {
        const x = w7.find((y) => y.strategy === st);
        return x ? x.meanMakespanMs / 1000 : null;
      }),
      marker: mean(w7.map((x) => x.meanLowerBoundMs)) / 1000,
    });
  return groupedBars({ title, series: strategies, groups, unit: 's', markerLabel: 'lower bound' });
}

/** The token kinds of {@link tokensChart}, each with how a row counts it. */
const TOKEN_KINDS: ReadonlyArray<[string, (r: ResultRow) => number]> = [
  ['input (uncached)', (r) => r.inputTokens],
  ['cache write', (r) => r.cacheWriteTokens],
  ['cache read', (r) => r.cacheReadTokens],
  ['output', (r) => r.outputTokens],
];

/**
 * Input (uncached, cache write, cache read) and output tokens per strategy, summed over the
 * workloads: one panel per kind with its own axis, so the small kinds (uncached input, output)
 * are as readable as cache reads, which are 10-100x larger.
 */
export function tokensChart(rows: readonly ResultRow[], title = 'Tokens by kind, all workloads (virtual time)'): string {
  const strategies = [...new Set(rows.map((r) => r.strategy))];
  const charts = TOKEN_KINDS.map(([kind, count], i) => {
    const values = strategies.map((st) => rows.filter((r) => r.strategy === st).reduce((a, r) => a + count(r), 0));
    return groupedBars({
      // An empty panel says why, rather than showing bars too short to see.
      title: values.every((v) => v === 0) ? `${kind}: 0 for every strategy` : kind,
      series: strategies,
      groups: [{ label: kind, values }],
      unit: 'tokens',
      format: (v) => v.toLocaleString('en-US'),
      id: `t${i}-`,
    });
  });
  return panels(title, charts);
}

/**
 * Cost per run in US dollars per workload (groups) and strategy (bars); the W7 graphs make one
 * group, the mean cost per strategy. Cost at equal makespan decides the recommendation.
 */
export function costChart(rows: readonly ResultRow[], title = 'Cost per run (virtual time, list prices)'): string {
  const strategies = [...new Set(rows.map((r) => r.strategy))];
  const workloads = [...new Set(rows.filter((r) => !isRandomGraph(r.workload)).map((r) => r.workload))];
  const groups: BarGroup[] = workloads.map((w) => ({
    label: w,
    values: strategies.map((st) => rows.find((r) => r.workload === w && r.strategy === st)?.costUsd ?? null),
  }));
  const graphs = rows.filter((r) => isRandomGraph(r.workload));
  if (graphs.length > 0)
    groups.push({
      label: w7Label(rows),
      values: strategies.map((st) => {
        const own = graphs.filter((r) => r.strategy === st);
        return own.length > 0 ? mean(own.map((r) => r.costUsd)) : null;
      }),
    });
  return groupedBars({ title, series: strategies, groups, unit: 'USD', format: (v) => v.toFixed(3), id: 'c' });
}
