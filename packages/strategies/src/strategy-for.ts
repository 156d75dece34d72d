/** Strategies by name: what `strategy: 'inject'` and `--notify inject` turn into. */
import type { Executor } from '@bgtasks/core';
import type { ToolSet } from '@bgtasks/polling';
import { blockStrategy } from './block-strategy.ts';
import { InvalidStrategyError, UnknownStrategyError } from './errors.ts';
import { type InjectStrategyOptions, injectStrategy } from './inject-strategy.ts';
import { type PollStrategyOptions, pollStrategy } from './poll-strategy.ts';
import type { Strategy, StrategyName } from './strategy.ts';

/** Every built-in strategy, in the order reports list them. */
export const STRATEGIES: readonly StrategyName[] = ['block', 'poll', 'inject'];

/** Options of {@link strategyFor}: those of the strategy the name picks (others are ignored). */
export type StrategyOptions = InjectStrategyOptions & PollStrategyOptions;

const HOOKS = ['tools', 'beforeRequest', 'afterSuccess', 'afterFailure', 'onEndTurn'] as const;

function checked(strategy: Strategy): Strategy {
  const record = strategy as unknown as Record<string, unknown>;
  const missing = [
    ...(typeof record.name === 'string' ? [] : ['name']),
    ...HOOKS.filter((hook) => typeof record[hook] !== 'function'),
  ];
  if (missing.length > 0) throw new InvalidStrategyError(missing);
  return strategy;
}

/**
 * The strategy object for a name (with that strategy's options), or `strategy` itself when it is
 * already an object (checked: {@link InvalidStrategyError} when a member is missing). Throws
 * {@link UnknownStrategyError} for any other name.
 * @example
 * const strategy = strategyFor('inject', { wakeTimeoutMs: 60_000 });
 */
export function strategyFor(strategy: StrategyName | Strategy, options: StrategyOptions = {}): Strategy {
  if (typeof strategy === 'object' && strategy !== null) return checked(strategy);
  switch (strategy) {
    case 'block':
      return blockStrategy();
    case 'poll':
      return pollStrategy(options.nudge !== undefined ? { nudge: options.nudge } : {});
    case 'inject':
      return injectStrategy({
        ...(options.wakeTimeoutMs !== undefined ? { wakeTimeoutMs: options.wakeTimeoutMs } : {}),
        ...(options.coalesceMs !== undefined ? { coalesceMs: options.coalesceMs } : {}),
        ...(options.consumer !== undefined ? { consumer: options.consumer } : {}),
        ...(options.holdMs !== undefined ? { holdMs: options.holdMs } : {}),
      });
    default:
      throw new UnknownStrategyError(strategy, STRATEGIES);
  }
}

/** The tool set a strategy (by name or object) offers the model. */
export function toolsFor(strategy: StrategyName | Strategy, executor: Executor): ToolSet {
  return strategyFor(strategy).tools(executor);
}
