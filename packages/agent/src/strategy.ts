/** The three ways the model learns that background work ended, and the tools each offers. */
import type { Executor } from '@bgtasks/core';
import { injectTools } from '@bgtasks/inject';
import { blockTools, pollingTools, type ToolSet } from '@bgtasks/polling';

/**
 * - `block`: only the foreground `bash`; every command finishes before the model goes on.
 * - `poll`: `bg_bash`, `check_bg`, `bg_wait`, `bg_output`, `bg_kill`; the model asks.
 * - `inject`: `bg_bash`, `bg_output`, `bg_kill`; notices are appended to the next tool_result,
 *   and an `end_turn` while jobs run waits for the next notice (the wake-up).
 */
export type Strategy = 'block' | 'poll' | 'inject';

/** Every strategy, in the order reports list them. */
export const STRATEGIES: readonly Strategy[] = ['block', 'poll', 'inject'];

/** The tool set a strategy offers the model. */
export function toolsFor(strategy: Strategy, executor: Executor): ToolSet {
  switch (strategy) {
    case 'block':
      return blockTools(executor);
    case 'poll':
      return pollingTools(executor);
    case 'inject':
      return injectTools(executor);
  }
}
