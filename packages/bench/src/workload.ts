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

/** The scenario files of W1-W6 under `packages/bench/workloads/`, in order. */
export const WORKLOAD_FILES: ReadonlyArray<{ id: string; file: string }> = [
  { id: 'W1', file: 'w1-independent.yaml' },
  { id: 'W2', file: 'w2-chain.yaml' },
  { id: 'W3', file: 'w3-fan-out-fan-in.yaml' },
  { id: 'W4', file: 'w4-job-bound.yaml' },
  { id: 'W5', file: 'w5-think-bound.yaml' },
  { id: 'W6', file: 'w6-early-failure.yaml' },
];

/**
 * A workload from the text of a scenario file (JSON or YAML).
 * @throws InvalidScenarioError naming the field and line of each problem.
 */
export function workloadFromText(id: string, text: string, options: { source?: string; seed?: number } = {}): Workload {
  const scenario = parseScenarioText(text, options.source === undefined ? {} : { source: options.source });
  return { id, scenario, seed: options.seed ?? 1 };
}
