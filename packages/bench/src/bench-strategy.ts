/** The strategies the benchmark compares: `block`, `poll` under each policy, `inject`, and the peers. */
import { type Strategy, type StrategyName, strategyFor } from '@bgtasks/agent';
import type { PollPolicy } from '@bgtasks/sim-model';
import { claudeCodeStrategy, codexStrategy, geminiCliStrategy } from './peers/index.ts';

/** Other agents' mechanisms, reproduced from their sources (docs/benchmark.md, "Peers"). */
export type PeerStrategy = 'claude-code' | 'codex' | 'gemini-cli';

/** A strategy as the benchmark names it: `block`, `poll:every_turn`, `poll:backoff`, `poll:bg_wait`, `inject`, or a peer. */
export type BenchStrategy = 'block' | `poll:${PollPolicy}` | 'inject' | PeerStrategy;

/** bgtasks' own strategies, baseline first. */
export const OWN_STRATEGIES: readonly BenchStrategy[] = ['block', 'poll:every_turn', 'poll:backoff', 'poll:bg_wait', 'inject'];
/** The peers, in the order reports list them. */
export const PEER_STRATEGIES: readonly PeerStrategy[] = ['claude-code', 'codex', 'gemini-cli'];
/** Every strategy of the benchmark: ours, then the peers. */
export const BENCH_STRATEGIES: readonly BenchStrategy[] = [...OWN_STRATEGIES, ...PEER_STRATEGIES];

/** True for a peer's strategy. */
export function isPeer(name: string): name is PeerStrategy {
  return (PEER_STRATEGIES as readonly string[]).includes(name);
}

/** The simulated model's poll policy for each peer: how that agent's model waits. */
const PEER_POLL_POLICY: Record<PeerStrategy, PollPolicy | undefined> = {
  'claude-code': undefined,
  codex: 'bg_wait',
  'gemini-cli': 'every_turn',
};

/** The agent strategy and the simulated model's poll policy behind one of bgtasks' own strategies. */
export function splitStrategy(name: BenchStrategy): { strategy: StrategyName; pollPolicy?: PollPolicy } {
  if (isPeer(name)) throw new TypeError(`${name} is a peer, not one of bgtasks' strategies: use benchStrategyFor`);
  if (name.startsWith('poll:')) return { strategy: 'poll', pollPolicy: name.slice(5) as PollPolicy };
  return { strategy: name as StrategyName };
}

/** Options of {@link benchStrategyFor}. */
export interface BenchStrategyOptions {
  /** inject: the coalescing window, ms on the run's clock. */
  coalesceMs: number;
  /** Factor on the peers' own time parameters (the real clock runs at a reduced scale). */
  scale: number;
}

/**
 * The strategy object a run drives, and the poll policy the simulated model follows with it.
 * @example
 * const { strategy, pollPolicy } = benchStrategyFor('codex', { coalesceMs: 20, scale: 1 });
 */
export function benchStrategyFor(
  name: BenchStrategy,
  options: BenchStrategyOptions,
): { strategy: Strategy; pollPolicy?: PollPolicy } {
  if (isPeer(name)) {
    const strategy =
      name === 'claude-code'
        ? claudeCodeStrategy()
        : name === 'codex'
          ? codexStrategy({ scale: options.scale })
          : geminiCliStrategy({ scale: options.scale });
    const pollPolicy = PEER_POLL_POLICY[name];
    return { strategy, ...(pollPolicy ? { pollPolicy } : {}) };
  }
  const { strategy, pollPolicy } = splitStrategy(name);
  return { strategy: strategyFor(strategy, { coalesceMs: options.coalesceMs }), ...(pollPolicy ? { pollPolicy } : {}) };
}
