/** The benchmark's charts: makespan against the lower bound, and tokens by kind per strategy. */
import type { ResultRow } from './result-row.ts';
import { groupedBars, stackedBars } from './svg.ts';

/** Makespan per workload (groups) and strategy (bars), with the lower bound as a dashed marker. */
export function makespanChart(rows: readonly ResultRow[], title = 'Makespan against the lower bound (virtual time)'): string {
  const strategies = [...new Set(rows.map((r) => r.strategy))];
  const workloads = [...new Set(rows.map((r) => r.workload))];
  return groupedBars({
    title,
    series: strategies,
    groups: workloads.map((w) => {
      const group = rows.filter((r) => r.workload === w);
      return {
        label: w,
        values: strategies.map((st) => {
          const r = group.find((x) => x.strategy === st);
          return r ? r.makespanMs / 1000 : null;
        }),
        marker: (group[0]?.lowerBoundMs ?? 0) / 1000,
      };
    }),
    unit: 's',
    markerLabel: 'lower bound',
  });
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
