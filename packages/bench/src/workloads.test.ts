import { readFileSync } from 'node:fs';
import { builtinScenario } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';
import { randomScenario, randomWorkloads } from './random-workload.ts';
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
});
