import type { Job } from '@bgtasks/core';
import { taskGraph } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';
import { lowerBound } from './lower-bound.ts';
import { measuredGraph, measuredJobs, measuredLowerBound } from './measured-bound.ts';
import { realJobsScenario } from './real-jobs.ts';

const graph = taskGraph(realJobsScenario('/tmp/w8'));
const commandOf = (id: string) => graph.jobs.find((j) => j.id === id)!.command;

/** An executor job snapshot as `executor.list()` returns it. */
function ran(id: string, command: string, ms: number, state: Job['state'], exitCode: number | null): Job {
  return {
    id,
    spec: { command },
    state,
    exitCode,
    queuedAt: 1_000,
    startedAt: 1_000,
    endedAt: 1_000 + ms,
    output: { bytes: 0, omittedBytes: 0, truncated: false },
  } as Job;
}

describe('the post-hoc bound from measured durations', () => {
  test('jobs are matched by command (the executor may name them otherwise) and timed start to end', () => {
    const jobs = [
      ran('npm-1', commandOf('install'), 12_000, 'completed', 0),
      ran('tsc', commandOf('typecheck'), 40_000, 'completed', 0),
      ran('bash-3', commandOf('lint'), 2_000, 'completed', 0),
      ran('bash-4', commandOf('test'), 55_000, 'failed', 1),
    ];
    expect(measuredJobs(graph, jobs)).toEqual([
      { id: 'install', state: 'completed', exitCode: 0, durationMs: 12_000 },
      { id: 'typecheck', state: 'completed', exitCode: 0, durationMs: 40_000 },
      { id: 'lint', state: 'completed', exitCode: 0, durationMs: 2_000 },
      { id: 'test', state: 'failed', exitCode: 1, durationMs: 55_000 },
    ]);
  });

  test('the bound is lowerBound of the graph with those times: install + the longest check + turns', () => {
    const jobs = [
      ran('install', commandOf('install'), 12_000, 'completed', 0),
      ran('typecheck', commandOf('typecheck'), 40_000, 'completed', 0),
      ran('lint', commandOf('lint'), 2_000, 'completed', 0),
      ran('test', commandOf('test'), 55_000, 'completed', 0),
    ];
    const b = measuredLowerBound(graph, jobs);
    const byHand = lowerBound({
      ...graph,
      jobs: graph.jobs.map((j) => ({
        ...j,
        durationMs: { install: 12_000, typecheck: 40_000, lint: 2_000, test: 55_000 }[j.id]!,
      })),
    });
    expect(b.lowerBoundMs).toBe(byHand.lowerBoundMs);
    expect(b.criticalPathMs).toBeGreaterThan(12_000 + 55_000);
    expect(b.lowerBoundMs).toBeLessThan(lowerBound(graph).lowerBoundMs);
  });

  test('a failed job counts with its measured outcome: what it skips leaves the bound', () => {
    const failed = [ran('install', commandOf('install'), 3_000, 'failed', 1)];
    const b = measuredLowerBound(graph, failed);
    expect(b.required.sort()).toEqual(['install', 'plan']);
    expect(b.measured.slice(1).map((m) => m.state)).toEqual(['not run', 'not run', 'not run']);
    // A timed-out job (no exit code) is a failure too.
    const timedOut = measuredGraph(
      graph,
      measuredJobs(graph, [ran('install', commandOf('install'), 300_000, 'timed_out', null)]),
    );
    expect(timedOut.jobs[0]).toMatchObject({ durationMs: 300_000, exitCode: 1 });
  });

  test('scale converts clock ms back to the graph ms', () => {
    const jobs = [ran('install', commandOf('install'), 500, 'completed', 0)];
    expect(measuredJobs(graph, jobs, 0.5)[0]?.durationMs).toBe(1_000);
  });
});
