/**
 * W7: random task graphs whose model and tool times follow published agent-trace statistics
 * (see the README for the source): model time per turn p50 5.7 s / p90 22.2 s, tool time
 * mostly sub-second with a long tail of multi-minute jobs. Seeded; no `Math.random`.
 */
import { DEFAULT_PACING, parseScenario, type ScenarioInput } from '@bgtasks/sim-model';
import { createPrng, type Prng } from './internal/prng.ts';
import type { Workload } from './workload.ts';

/** The distributions W7 draws from. */
export const TRACE_STATS = Object.freeze({
  /** Model time of a turn that thinks, seconds: a log-normal through these two percentiles. */
  turnP50S: 5.7,
  turnP90S: 22.2,
  /** Tool (job) time: a mixture of log-uniform bands, each `[share, minS, maxS]`. */
  toolBands: [
    [0.65, 0.1, 1],
    [0.25, 1, 30],
    [0.1, 60, 600],
  ] as ReadonlyArray<readonly [number, number, number]>,
});

const Z90 = 1.2815516; // standard normal quantile of p90

/** Output tokens whose response time (time to first token + generation) is `seconds`. */
function tokensFor(seconds: number): number {
  return ((seconds * 1000 - DEFAULT_PACING.ttftMs) / 1000) * DEFAULT_PACING.outputTokensPerSecond;
}

function thinkTokens(rng: Prng): number {
  const mu = Math.log(tokensFor(TRACE_STATS.turnP50S));
  const sigma = (Math.log(tokensFor(TRACE_STATS.turnP90S)) - mu) / Z90;
  return Math.max(20, Math.min(4_000, Math.round(Math.exp(mu + sigma * rng.normal()))));
}

function jobSeconds(rng: Prng): number {
  let u = rng.next();
  for (const [share, min, max] of TRACE_STATS.toolBands) {
    if (u < share) return Math.round(min * (max / min) ** rng.next() * 10) / 10;
    u -= share;
  }
  return 1;
}

function pick<T>(rng: Prng, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(...pool.splice(rng.int(0, pool.length - 1), 1));
  return out;
}

/**
 * One random task graph as a scenario: 3-8 jobs, each a root or after one or two earlier jobs
 * or think steps, and a think step reading the results after every two jobs.
 * @example
 * const scenario = randomScenario(3); // the same graph on every runtime
 */
export function randomScenario(seed: number): ScenarioInput {
  const rng = createPrng(seed * 7919 + 17);
  const jobs: NonNullable<ScenarioInput['jobs']> = [];
  const think: NonNullable<ScenarioInput['think']> = [
    { id: 'plan', text: 'Plan: start what needs nothing, then follow the results.', outputTokens: thinkTokens(rng) },
  ];
  const jobCount = rng.int(3, 8);
  for (let i = 1; i <= jobCount; i++) {
    const earlier = [...jobs.map((j) => j.id), ...think.slice(1).map((t) => t.id)];
    const roll = rng.next();
    const deps = earlier.length === 0 || roll < 0.4 ? [] : pick(rng, earlier, roll < 0.8 ? 1 : 2);
    jobs.push({ id: `job-${i}`, durationS: jobSeconds(rng), ...(deps.length > 0 ? { after: deps } : {}) });
    if (i % 2 === 0) {
      const reads = pick(
        rng,
        jobs.map((j) => j.id),
        rng.int(1, 2),
      );
      const k = think.length;
      think.push({
        id: `step-${k}`,
        text: `Step ${k}: reading what ${reads.join(' and ')} showed.`,
        outputTokens: thinkTokens(rng),
        after: reads,
      });
    }
  }
  return {
    name: `random-${seed}`,
    description: `Random task graph ${seed}: ${jobCount} jobs, ${think.length} think steps (W7).`,
    prompt: 'Work through the task; run what you need and report.',
    jobs,
    think,
    final: { text: 'Done: {completed}.', failureText: '{failed} failed.' },
    maxTurns: 1000,
  };
}

/** How many W7 graphs `npm run bench` runs by default. */
export const DEFAULT_RANDOM_GRAPHS = 100;

/** The W7 workload of `seed`: id `W7-<seed>`, the graph of {@link randomScenario}. */
export function randomWorkload(seed: number): Workload {
  return { id: `W7-${seed}`, scenario: parseScenario(randomScenario(seed), { source: `W7 seed ${seed}` }), seed };
}

/** The W7 workloads: `count` random graphs, seeds 1..count, ids `W7-1` ... */
export function randomWorkloads(count: number): Workload[] {
  return Array.from({ length: count }, (_, i) => randomWorkload(i + 1));
}
