import { describe, expect, test } from 'vitest';
import { runRealJobs } from './run-real-jobs.ts';

describe("W8's machinery with tiny real commands, real time, full scale", () => {
  // A failed install is the shortest real path (about 3 turns of the model at its real pace, ~6 s):
  // the three checks must then be skipped, not waited for.
  test('inject: a failed install ends the run with an answer; the bound comes from the measured job', async () => {
    const { rows, runs } = await runRealJobs({
      dir: '/',
      strategies: ['inject'],
      runtimeName: 'test',
      commands: { install: "sh -c 'exit 1'", typecheck: 'true', lint: 'true', test: 'true' },
    });
    const [row] = rows;
    const [run] = runs;
    expect(row).toMatchObject({ workload: 'W8', strategy: 'inject', clock: 'real', scale: 1, stopReason: 'end_turn' });
    // The model saw the install fail (no polling up to the turn cap), skipped the checks and answered.
    expect(row!.turns).toBeLessThan(5);
    expect(run!.jobs.map((j) => [j.id, j.state, j.exitCode])).toEqual([
      ['install', 'failed', 1],
      ['typecheck', 'not run', null],
      ['lint', 'not run', null],
      ['test', 'not run', null],
    ]);
    expect(run!.jobs[0]!.durationMs).not.toBeNull();
    // The measured install (instant) instead of its 15 s estimate, and no check in the bound.
    expect(row!.lowerBoundMs).toBeLessThan(run!.estimatedBoundMs);
    expect(row!.makespanMs).toBeGreaterThanOrEqual(row!.lowerBoundMs);
    expect(row!.efficiency).toBeCloseTo(row!.lowerBoundMs / row!.makespanMs, 2);
  });
});
