/**
 * W7 in the report: many seeded random graphs summed up per strategy (mean, 95% confidence
 * interval, p10, p90 of efficiency), so the tables and charts show one W7 line, not one per graph.
 */
import type { ResultRow } from './result-row.ts';
import { type MeanInterval, mean, meanConfidenceInterval, percentile } from './stats.ts';

/** True for the row of one W7 graph (`W7-1`, `W7-2`, ...). */
export function isRandomGraph(workload: string): boolean {
  return /^W7-\d+$/.test(workload);
}

/** One strategy over every W7 graph it ran. */
export interface W7Summary {
  strategy: string;
  /** Graphs it ran. */
  graphs: number;
  /** Efficiency (lower bound / makespan): mean and its 95% interval (Student's t). */
  efficiency: MeanInterval;
  efficiencyP10: number;
  efficiencyP90: number;
  meanMakespanMs: number;
  meanLowerBoundMs: number;
  meanTurns: number;
  /** All input tokens: uncached, cache write and cache read. */
  meanInputTokens: number;
  meanCostUsd: number;
}

/**
 * Per strategy, in first-seen order, the W7 graphs' figures; empty when no row is a W7 graph.
 * @example
 * const [block] = w7Summaries(rows); // block.efficiency.mean, block.efficiency.low ...
 */
export function w7Summaries(rows: readonly ResultRow[]): W7Summary[] {
  const graphs = rows.filter((r) => isRandomGraph(r.workload));
  return [...new Set(graphs.map((r) => r.strategy))].map((strategy) => {
    const own = graphs.filter((r) => r.strategy === strategy);
    const eff = own.map((r) => r.efficiency);
    const avg = (f: (r: ResultRow) => number) => mean(own.map(f));
    return {
      strategy,
      graphs: own.length,
      efficiency: meanConfidenceInterval(eff),
      efficiencyP10: percentile(eff, 10),
      efficiencyP90: percentile(eff, 90),
      meanMakespanMs: avg((r) => r.makespanMs),
      meanLowerBoundMs: avg((r) => r.lowerBoundMs),
      meanTurns: avg((r) => r.turns),
      meanInputTokens: avg((r) => r.inputTokens + r.cacheWriteTokens + r.cacheReadTokens),
      meanCostUsd: avg((r) => r.costUsd),
    };
  });
}

/** The label of the one W7 line in the summary and efficiency tables and the makespan chart. */
export function w7Label(rows: readonly ResultRow[]): string {
  const n = new Set(rows.filter((r) => isRandomGraph(r.workload)).map((r) => r.workload)).size;
  return `W7 mean of ${n}`;
}

const f3 = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(3));
const s1 = (ms: number) => (ms / 1000).toFixed(1);

function table(header: readonly string[], lines: ReadonlyArray<readonly string[]>): string {
  return [header, header.map((_, i) => (i === 0 ? '---' : '---:')), ...lines].map((l) => `| ${l.join(' | ')} |`).join('\n');
}

/**
 * The report section "W7: N random task graphs": one row per strategy, then every graph's
 * efficiency per strategy in a collapsed block. Null when no row is a W7 graph.
 */
export function w7Section(rows: readonly ResultRow[]): string | null {
  const summaries = w7Summaries(rows);
  if (summaries.length === 0) return null;
  const graphs = [...new Set(rows.filter((r) => isRandomGraph(r.workload)).map((r) => r.workload))];
  const strategies = summaries.map((x) => x.strategy);
  const perGraph = graphs.map((w) => {
    const own = rows.filter((r) => r.workload === w);
    return [
      w,
      s1(own[0]?.lowerBoundMs ?? 0),
      ...strategies.map((st) => {
        const r = own.find((x) => x.strategy === st);
        return r ? r.efficiency.toFixed(2) : '-';
      }),
    ];
  });
  return [
    `## W7: ${graphs.length} random task graphs`,
    '',
    `Seeds 1-${graphs.length} of \`randomScenario\` (3-8 jobs; turn time p50 5.7 s / p90 22.2 s; job times mostly sub-second with a tail of minutes).` +
      " Efficiency = lower bound / makespan per graph; the 95% interval of its mean is Student's t with n - 1 degrees of freedom" +
      ' (mean ± t × s / √n); p10 and p90 by nearest rank. Makespan, lower bound and cost are means over the graphs.',
    '',
    table(
      ['strategy', 'mean efficiency', '95% CI', 'p10', 'p90', 'mean makespan / lower bound s', 'mean turns', 'mean cost $'],
      summaries.map((x) => [
        x.strategy,
        f3(x.efficiency.mean),
        `${f3(x.efficiency.low)} - ${f3(x.efficiency.high)}`,
        x.efficiencyP10.toFixed(3),
        x.efficiencyP90.toFixed(3),
        `${s1(x.meanMakespanMs)} / ${s1(x.meanLowerBoundMs)}`,
        x.meanTurns.toFixed(1),
        x.meanCostUsd.toFixed(4),
      ]),
    ),
    '',
    '<details><summary>Efficiency of every W7 graph (every figure of every run is in results.json)</summary>',
    '',
    table(['graph', 'lower bound s', ...strategies], perGraph),
    '',
    '</details>',
    '',
  ].join('\n');
}
