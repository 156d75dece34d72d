import { readFileSync } from 'node:fs';
import { builtinScenario, DEFAULT_PACING, responseTimeMs, type TaskGraph, taskGraph } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';
import { BENCH_STRATEGIES } from './bench-strategy.ts';
import { bestSchedule, type ScheduleProblem } from './internal/best-schedule.ts';
import { createPrng } from './internal/prng.ts';
import { lowerBound } from './lower-bound.ts';
import { randomWorkloads } from './random-workload.ts';
import { runBench } from './run-bench.ts';
import { WORKLOAD_FILES, workloadFromText } from './workload.ts';

/** Round figures: 1 s to the first token, 10 ms a token, and every text (so every call) is 1 token. */
const PACING = { ttftMs: 1_000, outputTokensPerSecond: 100, charsPerToken: 1e9 };

function graph(jobs: Partial<TaskGraph['jobs'][number]>[], think: Partial<TaskGraph['think'][number]>[], finalTokens: number) {
  return {
    name: 'hand',
    scale: 1,
    jobs: jobs.map((j) => ({ id: '', durationMs: 0, exitCode: 0, after: [], ifFailed: [], kills: [], command: 'x', ...j })),
    think: think.map((t) => ({ id: '', outputTokens: 1, after: [], ifFailed: [], ...t })),
    final: { outputTokens: finalTokens },
  } satisfies TaskGraph;
}

/** Every assignment of steps to turns 1..n, timed the way the bound's README describes: the slow, obvious optimum. */
function bruteForce(p: ScheduleProblem): number {
  const n = p.steps.length;
  const r = p.msPerToken;
  let best = Number.POSITIVE_INFINITY;
  const turn = new Array<number>(n).fill(1);
  const visit = (i: number): void => {
    if (i < n) {
      for (let t = 1; t <= n; t++) {
        turn[i] = t;
        visit(i + 1);
      }
      return;
    }
    const last = Math.max(...turn);
    if (!Array.from({ length: last }, (_, k) => turn.includes(k + 1)).every(Boolean)) return;
    if (p.firstTurn.some((f) => turn[f] !== 1)) return;
    const ok = p.steps.every(
      (s, k) => s.jobDeps.every((d) => turn[d]! < turn[k]!) && s.thinkDeps.every((d) => turn[d]! <= turn[k]!),
    );
    if (!ok) return;
    const isJob = (k: number) => p.steps[k]!.durationMs !== undefined;
    for (const answer of [last, last + 1]) {
      if (p.steps.some((_s, k) => isJob(k) && turn[k]! >= answer)) continue;
      const ends = new Array<number>(n).fill(0);
      let at = 0;
      for (let t = 1; t <= answer; t++) {
        const here = p.steps.map((_s, k) => k).filter((k) => turn[k] === t);
        let start = at;
        for (const k of here) for (const d of p.steps[k]!.jobDeps) start = Math.max(start, ends[d]!);
        if (t === answer) for (let k = 0; k < n; k++) if (isJob(k)) start = Math.max(start, ends[k]!);
        const tokens = here.reduce((sum, k) => sum + p.steps[k]!.tokens, 0) + (t === answer ? p.finalTokens : 0);
        at = start + p.ttftMs + tokens * r;
        for (const k of here) if (isJob(k)) ends[k] = at + p.steps[k]!.durationMs!;
      }
      best = Math.min(best, at);
    }
  };
  visit(0);
  return best;
}

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

  test('think-bound needs a third turn: the review is too long to write before the checks start or after they end', () => {
    const b = lowerBound(taskGraph(builtinScenario('think-bound')));
    expect(b.scheduleTurns).toEqual([['lint', 'unit', 'read'], ['review'], ['tests-note']]);
    // Three times to first token where the two older terms charge two.
    expect(b.lowerBoundMs).toBe(b.requiredTurnsMs + DEFAULT_PACING.ttftMs);
    expect(b.lowerBoundMs).toBe(b.scheduleMs);
  });

  test('a small think-bound graph at round pacing: the optimum computed by hand', () => {
    // read (10 s) must come first; a (5 s) and b (10 s) start when that turn ends at 11.02 s.
    // Two turns: review in the first (turn ends 21.02, b ends 31.02) or with the note after b
    // (starts 21.02): 34.02 s either way. Three turns: review (22.02) while a and b run, then the
    // note and the answer: 22.02 + 1 + 2 = 25.02 s. The older terms say 24.02 s (two turns).
    const g = graph(
      [
        { id: 'a', durationMs: 5_000 },
        { id: 'b', durationMs: 10_000 },
      ],
      [
        { id: 'read', outputTokens: 1_000 },
        { id: 'review', outputTokens: 1_000, after: ['read'] },
        { id: 'note', outputTokens: 100, after: ['a', 'b', 'review'] },
      ],
      100,
    );
    const b = lowerBound(g, PACING);
    expect(b.requiredTurnsMs).toBe(24_020);
    expect(b.scheduleMs).toBe(25_020);
    expect(b.lowerBoundMs).toBe(25_020);
    expect(b.scheduleTurns).toEqual([['a', 'b', 'read'], ['review'], ['note']]);
  });

  test('a job starts when the turn that calls it ends, not when its call is written', () => {
    // plan (5 s) and the call of j share the first turn; j (10 s) may wait for that turn's end
    // but not for the later think step q (3 s, after plan), which the model writes while j runs.
    const g = graph(
      [{ id: 'j', durationMs: 10_000 }],
      [
        { id: 'plan', outputTokens: 500 },
        { id: 'q', outputTokens: 300, after: ['plan'] },
      ],
      100,
    );
    // Turn 1: plan + j ends 6.01 s; j ends 16.01 s; turn 2: q ends 10.01 s; turn 3: 16.01 + 1 + 1.
    expect(lowerBound(g, PACING).scheduleMs).toBe(18_010);
  });

  test('the search finds the same optimum as trying every assignment of steps to turns', () => {
    const rng = createPrng(42);
    for (let round = 0; round < 60; round++) {
      const n = rng.int(1, 5);
      const steps = Array.from({ length: n }, (_, i) => {
        const job = rng.next() < 0.5;
        const deps = Array.from({ length: i }, (_, d) => d).filter(() => rng.next() < 0.35);
        return { id: `s${i}`, tokens: rng.int(1, 900), job, deps };
      });
      const problem: ScheduleProblem = {
        steps: steps.map((s) => ({
          id: s.id,
          tokens: s.tokens,
          ...(s.job ? { durationMs: rng.int(0, 30_000) } : {}),
          jobDeps: s.deps.filter((d) => steps[d]!.job),
          thinkDeps: s.deps.filter((d) => !steps[d]!.job),
        })),
        firstTurn: steps.flatMap((s, i) => (!s.job && s.deps.length === 0 ? [i] : [])),
        finalTokens: rng.int(1, 300),
        ttftMs: 1_800,
        msPerToken: 1000 / 63,
      };
      const found = bestSchedule(problem)?.makespanMs;
      expect(found).toBeCloseTo(bruteForce(problem), 6);
    }
  });

  test('the search gives up past its budget or 30 steps instead of returning a schedule it did not prove best', () => {
    const step = (i: number) => ({ id: `j${i}`, tokens: 10, durationMs: 1_000 * i, jobDeps: [], thinkDeps: [] });
    const problem = { firstTurn: [], finalTokens: 10, ttftMs: 1_800, msPerToken: 16 };
    expect(bestSchedule({ ...problem, steps: [1, 2, 3].map(step), budget: 1 })).toBeUndefined();
    expect(bestSchedule({ ...problem, steps: Array.from({ length: 31 }, (_, i) => step(i)) })).toBeUndefined();
    // Within budget: the short j1 goes in a turn of its own, written while j3 runs (2.12 + 1.8 +
    // 0.16 = 4.08 s, j1 ends 5.08 s, j3 5.12 s), so the answer ends at 5.12 + 1.96 = 7.08 s; all
    // three in the first turn would give 2.28 + 3 + 1.96 = 7.24 s.
    const found = bestSchedule({ ...problem, steps: [1, 2, 3].map(step) });
    expect(found?.turns).toEqual([['j2', 'j3'], ['j1']]);
    expect(found?.makespanMs).toBeCloseTo(7_080, 6);
  });

  test('early failure: plan B counts, the jobs the failure cancels do not', () => {
    const b = lowerBound(taskGraph(builtinScenario('early-failure')));
    expect(b.required.sort()).toEqual(['diagnose', 'lint', 'lint-fix', 'plan']);
    expect(b.lowerBoundMs).toBeLessThan(30_000);
  });

  test('no run beats it: every strategy on W1-W6 and the first 20 W7 graphs takes at least the bound', async () => {
    const files = WORKLOAD_FILES.map(({ id, file }) =>
      workloadFromText(id, readFileSync(new URL(`../workloads/${file}`, import.meta.url), 'utf8'), { source: file }),
    );
    const rows = await runBench({
      workloads: [...files, ...randomWorkloads(20)],
      strategies: BENCH_STRATEGIES,
      clock: 'virtual',
      runtimeName: 'test',
    });
    expect(rows).toHaveLength(26 * BENCH_STRATEGIES.length);
    const beaten = rows.filter((r) => r.makespanMs < r.lowerBoundMs).map((r) => `${r.workload} ${r.strategy}`);
    expect(beaten).toEqual([]);
  }, 300_000);
});
