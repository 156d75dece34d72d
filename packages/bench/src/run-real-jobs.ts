/**
 * W8 under each strategy, one after the other (the jobs are real and would slow each other down
 * if two runs shared the machine), in real time at full scale, with each row's bound computed
 * from the durations its own run measured.
 */
import type { Runtime } from '@bgtasks/core';
import { taskGraph } from '@bgtasks/sim-model';
import type { BenchStrategy } from './bench-strategy.ts';
import { type MeasuredJob, measuredLowerBound } from './measured-bound.ts';
import { type RealJobsOptions, realJobsWorkload } from './real-jobs.ts';
import type { ResultRow } from './result-row.ts';
import { runWorkload } from './run-workload.ts';

/** The jobs of one W8 run as the executor measured them. */
export interface RealJobsRun {
  runtime: string;
  strategy: string;
  jobs: MeasuredJob[];
  /** The a-priori bound from the estimates, for comparison with the measured one, ms. */
  estimatedBoundMs: number;
}

/** Options of {@link runRealJobs}. */
export interface RunRealJobsOptions extends RealJobsOptions {
  /** The repository copy the commands run in. */
  dir: string;
  strategies: readonly BenchStrategy[];
  /** Name of the host runtime for the rows. */
  runtimeName: string;
  /** The runtime that spawns the jobs; `createRuntime()` by default. */
  runtime?: Runtime;
  signal?: AbortSignal;
  /** Called after each run (for progress, and to write results as they come). */
  onRun?: (row: ResultRow, run: RealJobsRun) => void;
}

/**
 * Runs W8 under every strategy in `strategies`, in order, on the real clock at scale 1.
 * Rows carry `workload: 'W8'`, `clock: 'real'`, and a `lowerBoundMs` (and efficiency) from the
 * durations measured in that run; the a-priori bound from the estimates is in the run record.
 * @example
 * const { rows } = await runRealJobs({ dir, strategies: BENCH_STRATEGIES, runtimeName: 'node' });
 */
export async function runRealJobs(options: RunRealJobsOptions): Promise<{ rows: ResultRow[]; runs: RealJobsRun[] }> {
  const workload = realJobsWorkload(options.dir, {
    ...(options.commands ? { commands: options.commands } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const graph = taskGraph(workload.scenario);
  const rows: ResultRow[] = [];
  const runs: RealJobsRun[] = [];
  for (const strategy of options.strategies) {
    options.signal?.throwIfAborted();
    let jobs: Parameters<typeof measuredLowerBound>[1] = [];
    const row = await runWorkload({
      workload,
      strategy,
      clock: 'real',
      scale: 1,
      runtimeName: options.runtimeName,
      ...(options.runtime ? { runtime: options.runtime } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onJobs: (ran) => {
        jobs = ran;
      },
    });
    // A stopped run is no measurement: no row for it.
    options.signal?.throwIfAborted();
    const bound = measuredLowerBound(graph, jobs);
    const measuredRow: ResultRow = {
      ...row,
      lowerBoundMs: bound.lowerBoundMs,
      efficiency: Math.round((bound.lowerBoundMs / row.makespanMs) * 1000) / 1000,
    };
    const run: RealJobsRun = {
      runtime: options.runtimeName,
      strategy,
      jobs: bound.measured,
      estimatedBoundMs: row.lowerBoundMs,
    };
    rows.push(measuredRow);
    runs.push(run);
    options.onRun?.(measuredRow, run);
  }
  return { rows, runs };
}
