/** Runs every workload under every strategy and collects the rows, reporting progress. */
import type { Runtime } from '@bgtasks/core';
import type { BenchStrategy } from './bench-strategy.ts';
import type { ResultRow } from './result-row.ts';
import { runWorkload } from './run-workload.ts';
import type { Workload } from './workload.ts';

/** Runs one workload under one strategy somewhere (this process, a worker process) and gives its row. */
export type RunRunner = (workload: Workload, strategy: BenchStrategy) => Promise<ResultRow>;

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  workloads: readonly Workload[];
  strategies: readonly BenchStrategy[];
  clock: 'virtual' | 'real';
  /** real clock only; see {@link RunWorkloadOptions.scale}. */
  scale?: number;
  runtimeName: string;
  /** real clock: the runtime that spawns processes. */
  runtime?: Runtime;
  /** Size of the generated system prompt; see {@link RunWorkloadOptions.systemTokens}. */
  systemTokens?: number;
  /** Runs at once. Real-time runs mostly sleep, so several share the machine without skew. Default 1. */
  concurrency?: number;
  /**
   * Where runs go instead of this process: each runner takes the next run as soon as its last
   * one is done (e.g. one per worker process). `concurrency` is then ignored. Rows still come
   * back in workload then strategy order, whichever runner made them.
   */
  runners?: readonly RunRunner[];
  signal?: AbortSignal;
  /** Called after each run with the count done, the total and the row. */
  onRun?: (done: number, total: number, row: ResultRow) => void;
}

/**
 * Every workload under every strategy, rows in workload then strategy order.
 * @example
 * const rows = await runBench({ workloads, strategies: BENCH_STRATEGIES, clock: 'virtual', runtimeName: 'node' });
 */
export async function runBench(options: RunBenchOptions): Promise<ResultRow[]> {
  const jobs = options.workloads.flatMap((workload) => options.strategies.map((strategy) => ({ workload, strategy })));
  const rows: ResultRow[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const here: RunRunner = (workload, strategy) =>
    runWorkload({
      workload,
      strategy,
      clock: options.clock,
      runtimeName: options.runtimeName,
      ...(options.scale !== undefined ? { scale: options.scale } : {}),
      ...(options.runtime ? { runtime: options.runtime } : {}),
      ...(options.systemTokens !== undefined ? { systemTokens: options.systemTokens } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  const worker = async (run: RunRunner): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      const { workload, strategy } = jobs[i]!;
      options.signal?.throwIfAborted();
      const row = await run(workload, strategy);
      rows[i] = row;
      options.onRun?.(++done, jobs.length, row);
    }
  };
  const runners =
    options.runners && options.runners.length > 0
      ? options.runners
      : Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, jobs.length)) }, () => here);
  await Promise.all(runners.map(worker));
  return rows;
}
