/** The benchmark's charts: makespan against the lower bound, and tokens by kind per strategy. */
import { isRandomGraph, w7Label, w7Summaries } from './report-w7.ts';
import type { ResultRow } from './result-row.ts';
import { mean } from './stats.ts';
import { type BarGroup, groupedBars, stackedBars } from './svg.ts';

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

/** Input (uncached, cache write, cache read) and output tokens per strategy, summed over the workloads. */
export function tokensChart(rows: readonly ResultRow[], title = 'Tokens by kind, all workloads (virtual time)'): string {
  const strategies = [...new Set(rows.map((r) => r.strategy))];
  return stackedBars({
    title,
    kinds: ['input', 'cache write', 'cache read', 'output'],
    bars: strategies.map((st) => {
      const own = rows.filter((r) => r.strategy === st);
      const sum = (f: (r: ResultRow) => number) => own.reduce((acc, r) => acc + f(r), 0);
      return {
        label: st,
        values: [
          sum((r) => r.inputTokens),
          sum((r) => r.cacheWriteTokens),
          sum((r) => r.cacheReadTokens),
          sum((r) => r.outputTokens),
        ],
      };
    }),
    unit: 'tokens',
  });
}
