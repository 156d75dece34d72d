/** The strategies the benchmark compares: `block`, `poll` under each policy, and `inject`. */
import type { StrategyName } from '@bgtasks/agent';
import type { PollPolicy } from '@bgtasks/sim-model';

/** A strategy as the benchmark names it: `block`, `poll:every_turn`, `poll:backoff`, `poll:bg_wait`, `inject`. */
export type BenchStrategy = 'block' | `poll:${PollPolicy}` | 'inject';

/** Every strategy of the benchmark, baseline first. */
export const BENCH_STRATEGIES: readonly BenchStrategy[] = ['block', 'poll:every_turn', 'poll:backoff', 'poll:bg_wait', 'inject'];

/** The agent strategy and the simulated model's poll policy behind a {@link BenchStrategy}. */
export function splitStrategy(name: BenchStrategy): { strategy: StrategyName; pollPolicy?: PollPolicy } {
  if (name.startsWith('poll:')) return { strategy: 'poll', pollPolicy: name.slice(5) as PollPolicy };
  return { strategy: name as StrategyName };
}
