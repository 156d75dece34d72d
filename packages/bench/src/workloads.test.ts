import { readFileSync } from 'node:fs';
import { builtinScenario, DEFAULT_PACING, responseTimeMs } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';
import { randomScenario, randomWorkloads, TRACE_STATS } from './random-workload.ts';
import { percentile } from './stats.ts';
import { WORKLOAD_FILES, workloadFromText } from './workload.ts';

const BUILTIN: Record<string, string> = {
  W1: 'independent',
  W2: 'chain',
  W3: 'fan-out-fan-in',
  W4: 'job-bound',
  W5: 'think-bound',
  W6: 'early-failure',
};

describe('workloads', () => {
  test('W1-W6 files load with parseScenarioText and keep the graphs of the built-in scenarios', () => {
    for (const { id, file } of WORKLOAD_FILES) {
      const text = readFileSync(new URL(`../workloads/${file}`, import.meta.url), 'utf8');
      const { scenario } = workloadFromText(id, text, { source: file });
      const builtin = builtinScenario(BUILTIN[id]!);
      const shape = (s: typeof scenario) => s.jobs.map((j) => [j.id, j.durationS, j.exitCode, j.after, j.ifFailed]);
      expect(shape(scenario)).toEqual(shape(builtin));
      expect(scenario.maxTurns).toBeGreaterThanOrEqual(1000);
    }
  });

  test('W7 graphs are the same for the same seed and differ across seeds', () => {
    expect(randomScenario(3)).toEqual(randomScenario(3));
    expect(randomScenario(3)).not.toEqual(randomScenario(4));
    const [w] = randomWorkloads(1);
    expect(w?.id).toBe('W7-1');
    expect(w?.scenario.jobs.length).toBeGreaterThanOrEqual(3);
  });

  test('W7 turn times over 2,000 seeds have the trace percentiles (p50 5.7 s, p90 22.2 s) within 3%', () => {
    // Seeded, so the same draws every run: this checks the parameters, not luck. About 7,000 think
    // steps put the sampling error of p50 near 1% and of p90 near 2.5% (measured: 5.66 s, 22.56 s);
    // the earlier 6 s / 22 s would fail the p50 check.
    const seconds = Array.from({ length: 2_000 }, (_, i) => randomScenario(i + 1)).flatMap((s) =>
      (s.think ?? []).map((t) => responseTimeMs(t.outputTokens ?? 0, DEFAULT_PACING) / 1000),
    );
    expect(seconds.length).toBeGreaterThan(5_000);
    expect(TRACE_STATS).toMatchObject({ turnP50S: 5.7, turnP90S: 22.2 });
    expect(Math.abs(percentile(seconds, 50) / 5.7 - 1)).toBeLessThan(0.03);
    expect(Math.abs(percentile(seconds, 90) / 22.2 - 1)).toBeLessThan(0.03);
  });

  test('W7 job times are heavy-tailed: mostly sub-second, about 10% of them minutes long', () => {
    const jobs = Array.from({ length: 2_000 }, (_, i) => randomScenario(i + 1)).flatMap((s) =>
      (s.jobs ?? []).map((j) => j.durationS ?? 0),
    );
    const share = (f: (s: number) => boolean) => jobs.filter(f).length / jobs.length;
    expect(Math.abs(share((s) => s <= 1) - 0.65)).toBeLessThan(0.02);
    expect(Math.abs(share((s) => s >= 60) - 0.1)).toBeLessThan(0.015);
    expect(Math.max(...jobs)).toBeLessThanOrEqual(600);
  });
});
