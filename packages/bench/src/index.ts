/** @module @bgtasks/bench: benchmarks of bgtasks (executor overhead; block vs poll vs inject). */
export { BENCH_STRATEGIES, type BenchStrategy, splitStrategy } from './bench-strategy.ts';
export { makespanChart, tokensChart } from './charts.ts';
export { BENCH_HELP, type BenchArgs, BenchArgsError, parseBenchArgs } from './cli-args.ts';
export { type LowerBound, lowerBound } from './lower-bound.ts';
export { measureOverhead, type OverheadResult } from './overhead.ts';
export { progressBar, progressLine } from './progress.ts';
export {
  DEFAULT_RANDOM_GRAPHS,
  randomScenario,
  randomWorkload,
  randomWorkloads,
  TRACE_STATS,
} from './random-workload.ts';
export { efficiencyTable, markdownReport, realVsVirtualTable, workloadTables } from './report.ts';
export { isRandomGraph, type W7Summary, w7Label, w7Section, w7Summaries } from './report-w7.ts';
export type { ResultRow } from './result-row.ts';
export { resultRowSchema } from './result-row-schema.ts';
export { type RunBenchOptions, type RunRunner, runBench } from './run-bench.ts';
export { noticeLatencies, wastedPolls } from './run-metrics.ts';
export {
  BENCH_COALESCE_MS,
  BENCH_MAX_CONCURRENT,
  BENCH_MAX_TOKENS,
  BENCH_MAX_TURNS,
  BENCH_MODEL,
  type RunWorkloadOptions,
  runWorkload,
} from './run-workload.ts';
export { type MeanInterval, mean, meanConfidenceInterval, percentile } from './stats.ts';
export { bestPoll, checkTargets, summaryTable, type TargetCheck, targetsMarkdown, totalInput } from './summary.ts';
export { groupedBars, stackedBars } from './svg.ts';
export { WORKLOAD_FILES, type Workload, workloadFromText } from './workload.ts';
