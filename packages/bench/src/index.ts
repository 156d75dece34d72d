/** @module @bgtasks/bench: benchmarks of bgtasks (executor overhead; block vs poll vs inject). */
export { BENCH_STRATEGIES, type BenchStrategy, splitStrategy } from './bench-strategy.ts';
export { makespanChart, tokensChart } from './charts.ts';
export { BENCH_HELP, type BenchArgs, BenchArgsError, parseBenchArgs } from './cli-args.ts';
export { type LowerBound, lowerBound } from './lower-bound.ts';
export { type MeasuredJob, measuredGraph, measuredJobs, measuredLowerBound } from './measured-bound.ts';
export { measureOverhead, type OverheadResult } from './overhead.ts';
export { progressBar, progressLine } from './progress.ts';
export { randomScenario, randomWorkloads, TRACE_STATS } from './random-workload.ts';
export {
  COPY_DIR_PATTERN,
  REAL_JOB_COMMANDS,
  REAL_JOB_ESTIMATES_S,
  REAL_JOB_IDS,
  REAL_JOB_TIMEOUTS_S,
  REAL_JOBS_WORKLOAD_ID,
  type RealJobId,
  type RealJobsOptions,
  realJobsScenario,
  realJobsWorkload,
} from './real-jobs.ts';
export { parseRealJobsArgs, REAL_JOBS_FLAGS, REAL_JOBS_HELP, type RealJobsArgs } from './real-jobs-args.ts';
export {
  mergeRows,
  mergeRuns,
  RealJobsRunSchema,
  ResultRowSchema,
  realJobsReport,
  realJobsTable,
  type StoredRealJobsRun,
} from './real-jobs-report.ts';
export { efficiencyTable, markdownReport, realVsVirtualTable, workloadTables } from './report.ts';
export type { ResultRow } from './result-row.ts';
export { type RunBenchOptions, runBench } from './run-bench.ts';
export { noticeLatencies, wastedPolls } from './run-metrics.ts';
export { type RealJobsRun, type RunRealJobsOptions, runRealJobs } from './run-real-jobs.ts';
export {
  BENCH_COALESCE_MS,
  BENCH_MAX_CONCURRENT,
  BENCH_MAX_TOKENS,
  BENCH_MAX_TURNS,
  BENCH_MODEL,
  type RunWorkloadOptions,
  runWorkload,
} from './run-workload.ts';
export { percentile } from './stats.ts';
export { bestPoll, checkTargets, summaryTable, type TargetCheck, targetsMarkdown, totalInput } from './summary.ts';
export { groupedBars, stackedBars } from './svg.ts';
export { WORKLOAD_FILES, type Workload, workloadFromText } from './workload.ts';
