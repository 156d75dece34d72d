import { builtinScenario, DEFAULT_PACING, responseTimeMs, taskGraph } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';
import { lowerBound } from './lower-bound.ts';

describe('the lower bound', () => {
  test('job-bound: the longest job after the first turn, plus the turn that reads it', () => {
    const graph = taskGraph(builtinScenario('job-bound'));
    const b = lowerBound(graph);
    expect(b.minTurns).toBe(2);
    const plan = responseTimeMs(50, DEFAULT_PACING);
    // docker (300 s) is the longest job; its call, then the answer's turn, add a little.
    expect(b.criticalPathMs).toBeGreaterThan(plan + 300_000 + DEFAULT_PACING.ttftMs);
    expect(b.criticalPathMs).toBeLessThan(plan + 300_000 + 2 * DEFAULT_PACING.ttftMs);
    expect(b.lowerBoundMs).toBe(b.criticalPathMs);
  });

  test('a chain needs one turn per job plus the answer', () => {
    expect(lowerBound(taskGraph(builtinScenario('chain'))).minTurns).toBe(5);
  });

  test('think-bound: the serial model time dominates the path of jobs', () => {
    const b = lowerBound(taskGraph(builtinScenario('think-bound')));
    expect(b.lowerBoundMs).toBe(b.requiredTurnsMs);
    expect(b.requiredTurnsMs).toBeGreaterThan(((800 + 1200 + 200) / DEFAULT_PACING.outputTokensPerSecond) * 1000);
  });

  test('early failure: plan B counts, the jobs the failure cancels do not', () => {
    const b = lowerBound(taskGraph(builtinScenario('early-failure')));
    expect(b.required.sort()).toEqual(['diagnose', 'lint', 'lint-fix', 'plan']);
    expect(b.lowerBoundMs).toBeLessThan(30_000);
  });
});
