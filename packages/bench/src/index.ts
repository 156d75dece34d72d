/** @module @bgtasks/bench: benchmarks of bgtasks (executor overhead; block vs poll vs inject). */
export {
  BENCH_STRATEGIES,
  type BenchStrategy,
  benchStrategyFor,
  isPeer,
  OWN_STRATEGIES,
  PEER_STRATEGIES,
  type PeerStrategy,
  splitStrategy,
} from './bench-strategy.ts';
export { costChart, makespanChart, tokensChart } from './charts.ts';
export { BENCH_HELP, type BenchArgs, BenchArgsError, parseBenchArgs } from './cli-args.ts';
export { type LowerBound, lowerBound } from './lower-bound.ts';
export { type MeasuredJob, measuredGraph, measuredJobs, measuredLowerBound } from './measured-bound.ts';
export {
  DEFAULT_OVERHEAD_RUNS,
  DEFAULT_OVERHEAD_WARMUP,
  measureOverhead,
  type OverheadOptions,
  type OverheadResult,
} from './overhead.ts';
export { OVERHEAD_FLAGS, OVERHEAD_HELP, type OverheadArgs, parseOverheadArgs } from './overhead-args.ts';
export {
  OVERHEAD_AIM_RATIO,
  type OverheadRow,
  type OverheadSummary,
  overheadTable,
  summarizeOverhead,
} from './overhead-report.ts';
export {
  DEFAULT_BENCH_STRATEGY,
  missesText,
  type PeerMiss,
  peerMisses,
  peerTable,
} from './peer-report.ts';
export { progressBar, progressLine } from './progress.ts';
export {
  DEFAULT_RANDOM_GRAPHS,
  randomScenario,
  randomWorkload,
  randomWorkloads,
  TRACE_STATS,
} from './random-workload.ts';
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
  realJobsReport,
  realJobsTable,
  type StoredRealJobsRun,
} from './real-jobs-report.ts';
export { costTable, efficiencyTable, markdownReport, realVsVirtualTable, workloadTables } from './report.ts';
export { isRandomGraph, type W7Summary, w7Label, w7Section, w7Summaries } from './report-w7.ts';
export type { ResultRow } from './result-row.ts';
export { resultRowSchema } from './result-row-schema.ts';
export { type RunBenchOptions, type RunRunner, runBench } from './run-bench.ts';
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
export { type MeanInterval, mean, meanConfidenceInterval, percentile } from './stats.ts';
export {
  bestPoll,
  cheapestPoll,
  checkTargets,
  REALISTIC_SYSTEM_TOKENS,
  summaryTable,
  type TargetCheck,
  targetsMarkdown,
  totalInput,
} from './summary.ts';
export { groupedBars, stackedBars } from './svg.ts';
export {
  DEFAULT_SYSTEM_TOKENS,
  MAX_SYSTEM_TOKENS,
  ONE_LINE_SYSTEM_PROMPT,
  SYSTEM_PROMPT_SEED,
  systemPrompt,
} from './system-prompt.ts';
export { cheapestAtEqualMakespan, EQUAL_MAKESPAN_TOLERANCE, fastestRows, whatToChoose } from './what-to-choose.ts';
export { WORKLOAD_FILES, type Workload, workloadFromText } from './workload.ts';
