/** Errors of the strategies. */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';
import { quoteInput } from '@bgtasks/core/internal';

const UNKNOWN_STRATEGY = Symbol.for('bgtasks.error.UnknownStrategyError');

/** A strategy name that is none of the built-in ones. */
export class UnknownStrategyError extends BgTasksError {
  readonly [UNKNOWN_STRATEGY] = true;
  readonly strategy: string;
  readonly valid: readonly string[];

  constructor(strategy: unknown, valid: readonly string[], options: BgTasksErrorOptions = {}) {
    const shown = typeof strategy === 'string' ? quoteInput(strategy) : String(strategy);
    super(`unknown strategy ${shown}; use one of ${valid.join(', ')}, or pass a Strategy object`, options);
    this.name = 'UnknownStrategyError';
    this.strategy = String(strategy);
    this.valid = valid;
  }

  static override isInstance(value: unknown): value is UnknownStrategyError {
    return typeof value === 'object' && value !== null && UNKNOWN_STRATEGY in value;
  }
}

const INVALID_STRATEGY = Symbol.for('bgtasks.error.InvalidStrategyError');

/** An object passed as a strategy that lacks some of the {@link Strategy} members. */
export class InvalidStrategyError extends BgTasksError {
  readonly [INVALID_STRATEGY] = true;
  readonly missing: readonly string[];

  constructor(missing: readonly string[], options: BgTasksErrorOptions = {}) {
    super(
      `invalid strategy object: missing ${missing.join(', ')}; a Strategy has name, tools, beforeRequest, afterSuccess, afterFailure and onEndTurn (start from blockStrategy(), pollStrategy() or injectStrategy())`,
      options,
    );
    this.name = 'InvalidStrategyError';
    this.missing = missing;
  }

  static override isInstance(value: unknown): value is InvalidStrategyError {
    return typeof value === 'object' && value !== null && INVALID_STRATEGY in value;
  }
}
