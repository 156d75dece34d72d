/**
 * What "scale F" means everywhere (the agent CLI's and the sim server's `--scale`, the
 * benchmark's real clock): every duration of the simulated world times F. Job durations go
 * through {@link SimModelOptions.scale}; these give the rest: the model's pacing (time to first
 * token, output speed, cache lifetime) and the poll timeouts the model asks for.
 */
import { DEFAULT_PACING, type Pacing } from './pacing.ts';
import type { Scenario } from './scenario.ts';

/**
 * Pacing at `scale`: `scaledPacing(0.1)` answers ten times faster and caches for a tenth as long.
 * @example
 * createSimModel(scaledPolicy(scenario, 0.1), { scale: 0.1, pacing: scaledPacing(0.1) });
 */
export function scaledPacing(scale: number, base: Readonly<Pacing> = DEFAULT_PACING): Partial<Pacing> {
  return {
    ttftMs: base.ttftMs * scale,
    outputTokensPerSecond: base.outputTokensPerSecond / scale,
    cacheTtlMs: base.cacheTtlMs * scale,
  };
}

/** `scenario` with the poll timeouts the model asks `bg_wait` for (back-off, wait) times `scale`. */
export function scaledPolicy(scenario: Scenario, scale: number): Scenario {
  if (scale === 1) return scenario;
  const { backoff, waitTimeoutS } = scenario.policy;
  return {
    ...scenario,
    policy: {
      ...scenario.policy,
      backoff: { ...backoff, initialS: backoff.initialS * scale, maxS: backoff.maxS * scale },
      waitTimeoutS: waitTimeoutS * scale,
    },
  };
}
