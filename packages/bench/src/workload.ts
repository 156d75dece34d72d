/** A benchmark workload: a sim-model scenario under an id (`W1`...) with the seed it runs with. */
import { parseScenarioText, type Scenario } from '@bgtasks/sim-model';

/** One workload of the benchmark. */
export interface Workload {
  /** Short id shown in tables: `W1` ... `W6`, `W7-1` ... */
  id: string;
  scenario: Scenario;
  /** Seed of the simulated model (ids and filler text). */
  seed: number;
}

/** The scenario files of W1-W6 under `packages/bench/workloads/`, in order, with what each tests. */
export const WORKLOAD_FILES: ReadonlyArray<{ id: string; file: string; summary: string }> = [
  { id: 'W1', file: 'w1-independent.yaml', summary: 'four independent jobs (20-120 s)' },
  { id: 'W2', file: 'w2-chain.yaml', summary: 'a chain of four jobs, a think step in the middle' },
  { id: 'W3', file: 'w3-fan-out-fan-in.yaml', summary: 'install, three checks in parallel, a release that needs all three' },
  { id: 'W4', file: 'w4-job-bound.yaml', summary: 'two long jobs (300 s, 240 s), little thinking' },
  { id: 'W5', file: 'w5-think-bound.yaml', summary: 'short jobs, 2,200 tokens of thinking' },
  { id: 'W6', file: 'w6-early-failure.yaml', summary: 'lint fails after 5 s; the model kills tests and build and fixes lint' },
];

/** What W7 is, for the report. */
export const W7_SUMMARY =
  'random task graphs (seeds 1..N): 3-8 jobs, each a root or after one or two earlier jobs or think steps; job durations and thinking times drawn from agent traces';

/**
 * A workload from the text of a scenario file (JSON or YAML).
 * @throws InvalidScenarioError naming the field and line of each problem.
 */
export function workloadFromText(id: string, text: string, options: { source?: string; seed?: number } = {}): Workload {
  const scenario = parseScenarioText(text, options.source === undefined ? {} : { source: options.source });
  return { id, scenario, seed: options.seed ?? 1 };
}
