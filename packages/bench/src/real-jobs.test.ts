import { jobCommand, taskGraph } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';
import { lowerBound } from './lower-bound.ts';
import { REAL_JOB_COMMANDS, REAL_JOB_TIMEOUTS_S, realJobsScenario, realJobsWorkload } from './real-jobs.ts';

const dir = '/tmp/bgtasks-w8-AbC123';

describe('the W8 scenario (built, not run)', () => {
  test('install first, then typecheck, lint and the core tests side by side, a review of all three, the answer', () => {
    const graph = taskGraph(realJobsScenario(dir));
    expect(graph.jobs.map((j) => [j.id, j.after])).toEqual([
      ['install', []],
      ['typecheck', ['install']],
      ['lint', ['install']],
      ['test', ['install']],
    ]);
    expect(graph.think.map((t) => [t.id, t.after])).toEqual([
      ['plan', []],
      ['review', ['typecheck', 'lint', 'test']],
    ]);
    // Nothing is killed on a failure: each check reports on its own.
    for (const j of graph.jobs) expect(j.kills).toEqual([]);
  });

  test("every command is the repository's own, run inside the copy; the install stays offline", () => {
    const scenario = realJobsScenario(dir);
    const commands = Object.fromEntries(scenario.jobs.map((j) => [j.id, jobCommand(j)]));
    expect(commands).toEqual({
      install: `cd '${dir}' && npm ci --offline --ignore-scripts --no-audit --no-fund`,
      typecheck: `cd '${dir}' && npx tsc -p packages/bench/tsconfig.json`,
      lint: `cd '${dir}' && npm run lint`,
      test: `cd '${dir}' && npx vitest run packages/core`,
    });
    // The command the model sends is the literal one (not a scaled sleep), at any scale.
    expect(scenario.jobs.map((j) => jobCommand(j, 0.05))).toEqual(Object.values(commands));
  });

  test('a hung command is timed out, not waited for forever', () => {
    const scenario = realJobsScenario(dir);
    for (const j of scenario.jobs) expect(j.timeoutS).toBe(REAL_JOB_TIMEOUTS_S[j.id as keyof typeof REAL_JOB_TIMEOUTS_S]);
  });

  test('commands can be replaced (the tests run true / exit 1) and still run inside the copy', () => {
    const scenario = realJobsScenario(dir, { commands: { lint: "sh -c 'exit 1'" } });
    expect(scenario.jobs.find((j) => j.id === 'lint')?.command).toBe(`cd '${dir}' && sh -c 'exit 1'`);
    expect(scenario.jobs.find((j) => j.id === 'test')?.command).toBe(`cd '${dir}' && ${REAL_JOB_COMMANDS.test}`);
  });

  test('the a-priori bound (from the estimates): the install, the longest check, the review and the answer', () => {
    const b = lowerBound(taskGraph(realJobsScenario(dir)));
    expect(b.required.sort()).toEqual(['install', 'lint', 'plan', 'review', 'test', 'typecheck']);
    expect(b.minTurns).toBe(3);
    // install (20 s) then the longest check, the tests (80 s).
    expect(b.criticalPathMs).toBeGreaterThan((20 + 80) * 1000);
    expect(b.criticalPathMs).toBeLessThan((20 + 80 + 20) * 1000);
  });

  test.each([
    ['relative', 'tmp/copy'],
    ['a space', '/tmp/my copy'],
    ['a quote', "/tmp/it's"],
    ['a dollar', '/tmp/$HOME'],
  ])('a copy directory with %s is refused (it is quoted into shell commands)', (_what, bad) => {
    expect(() => realJobsScenario(bad)).toThrow(/absolute path/);
  });

  test('the workload is W8 with seed 1 by default', () => {
    const w = realJobsWorkload(dir);
    expect([w.id, w.seed, w.scenario.name]).toEqual(['W8', 1, 'real-jobs']);
  });
});
