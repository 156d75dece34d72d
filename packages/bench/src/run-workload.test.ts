import { builtinScenario } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';
import { runBench } from './run-bench.ts';
import { checkTargets, summaryTable } from './summary.ts';

describe('a benchmark run on virtual time', () => {
  test('job-bound under block, poll:backoff and inject: rows with turns, tokens, latency and wasted polls', async () => {
    const workload = { id: 'W4', scenario: builtinScenario('job-bound'), seed: 1 };
    const rows = await runBench({
      workloads: [workload],
      strategies: ['block', 'poll:backoff', 'inject'],
      clock: 'virtual',
      runtimeName: 'test',
    });
    const [block, poll, inject] = rows;
    expect(rows.map((r) => [r.strategy, r.stopReason])).toEqual([
      ['block', 'end_turn'],
      ['poll:backoff', 'end_turn'],
      ['inject', 'end_turn'],
    ]);
    for (const r of rows) {
      expect(r.makespanMs).toBeGreaterThanOrEqual(r.lowerBoundMs);
      expect(r.productiveTurns + r.pollTurns + r.idleTurns).toBe(r.turns);
    }
    // block runs the two jobs one after the other; the others overlap them.
    expect(block!.makespanMs).toBeGreaterThan(poll!.makespanMs);
    expect(poll!.pollTurns).toBeGreaterThan(0);
    expect(poll!.wastedPolls).toBeGreaterThan(0);
    expect(inject!.pollTurns).toBe(0);
    expect(inject!.wastedPolls).toBe(0);
    expect(inject!.idleTurns).toBeGreaterThan(0);
    expect(inject!.noticeLatencyP50Ms).not.toBeNull();
    expect(inject!.cacheReadTokens).toBeGreaterThan(0);
    // Same seed, same rows.
    const again = await runBench({ workloads: [workload], strategies: ['inject'], clock: 'virtual', runtimeName: 'test' });
    expect(again[0]).toEqual(inject);
    expect(summaryTable(rows)).toContain('| W4 |');
    expect(checkTargets(rows).map((c) => c.target)).toContain(
      'inject beats block by >= 1.6x on makespan where block / lower bound >= 1.6',
    );
  });
});
