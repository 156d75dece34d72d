/** Runs every workload under every strategy and collects the rows, reporting progress. */
import type { Runtime } from '@bgtasks/core';
import type { BenchStrategy } from './bench-strategy.ts';
import type { ResultRow } from './result-row.ts';
import { runWorkload } from './run-workload.ts';
import type { Workload } from './workload.ts';

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
  /** Runs at once. Real-time runs mostly sleep, so several share the machine without skew. Default 1. */
  concurrency?: number;
  /** Size of the generated system prompt; see {@link RunWorkloadOptions.systemTokens}. */
  systemTokens?: number;
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
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      const { workload, strategy } = jobs[i]!;
      options.signal?.throwIfAborted();
      const row = await runWorkload({
        workload,
        strategy,
        clock: options.clock,
        runtimeName: options.runtimeName,
        ...(options.scale !== undefined ? { scale: options.scale } : {}),
        ...(options.runtime ? { runtime: options.runtime } : {}),
        ...(options.systemTokens !== undefined ? { systemTokens: options.systemTokens } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      rows[i] = row;
      options.onRun?.(++done, jobs.length, row);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? 1, jobs.length));
  await Promise.all(Array.from({ length: width }, worker));
  return rows;
}
