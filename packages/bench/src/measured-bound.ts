/**
 * The lower bound after the fact, for workloads whose job durations are known only once they ran
 * (W8): the same {@link lowerBound}, on the task graph with each job's duration and exit code
 * replaced by what the executor measured in that run.
 */
import type { Job } from '@bgtasks/core';
import type { TaskGraph } from '@bgtasks/sim-model';
import { type LowerBound, lowerBound } from './lower-bound.ts';

/** What one job of the graph did in a run. */
export interface MeasuredJob {
  id: string;
  /** Final state, or `not run` when the run never started it (skipped after a failure). */
  state: string;
  exitCode: number | null;
  /** Start (process spawned) to end (process exited), ms at the graph's scale; null if not run. */
  durationMs: number | null;
}

/**
 * Matches the executor's jobs to the graph's by command (the simulated model sends each job's
 * command verbatim; the executor may pick other ids) and reads their run time and exit code.
 * `scale` converts clock ms back to the graph's ms (1 at full scale).
 */
export function measuredJobs(graph: TaskGraph, jobs: readonly Job[], scale = 1): MeasuredJob[] {
  return graph.jobs.map((node) => {
    const ran = jobs.findLast((j) => j.spec.command === node.command && j.startedAt !== undefined && j.endedAt !== undefined);
    if (!ran || ran.startedAt === undefined || ran.endedAt === undefined)
      return { id: node.id, state: 'not run', exitCode: null, durationMs: null };
    return {
      id: node.id,
      state: ran.state,
      exitCode: ran.exitCode ?? null,
      durationMs: Math.round((ran.endedAt - ran.startedAt) / scale),
    };
  });
}

/**
 * `graph` with the measured durations and outcomes: a job that ran keeps its measured time, and
 * its exit code (a job that did not complete counts as failed, exit 1, so the bound's plan
 * evaluation skips what it would skip); a job that never ran keeps its estimate (the bound skips it
 * anyway when a failure made it unnecessary).
 */
export function measuredGraph(graph: TaskGraph, measured: readonly MeasuredJob[]): TaskGraph {
  const byId = new Map(measured.map((m) => [m.id, m]));
  return {
    ...graph,
    jobs: graph.jobs.map((node) => {
      const m = byId.get(node.id);
      if (!m || m.durationMs === null) return node;
      const exitCode = m.state === 'completed' ? 0 : m.exitCode !== null && m.exitCode !== 0 ? m.exitCode : 1;
      return { ...node, durationMs: m.durationMs, exitCode };
    }),
  };
}

/**
 * The post-hoc lower bound of one run: {@link lowerBound} of {@link measuredGraph}. Valid for that
 * run (no strategy could have finished those same jobs, taking those times, sooner); jobs that
 * share the machine run slower than alone, so each strategy's bound uses its own run's times.
 * @example
 * const bound = measuredLowerBound(taskGraph(workload.scenario), executor.list());
 */
export function measuredLowerBound(graph: TaskGraph, jobs: readonly Job[], scale = 1): LowerBound & { measured: MeasuredJob[] } {
  const measured = measuredJobs(graph, jobs, scale);
  return { ...lowerBound(measuredGraph(graph, measured)), measured };
}
