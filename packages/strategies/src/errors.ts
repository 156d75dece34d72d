/** Errors of the strategies. */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';
import { defineError, quoteInput } from '@bgtasks/core/internal';

/** A strategy name that is none of the built-in ones. */
export class UnknownStrategyError extends BgTasksError {
  static override readonly isInstance = defineError<UnknownStrategyError>(this, 'UnknownStrategyError');
  readonly strategy: string;
  readonly valid: readonly string[];

  constructor(strategy: unknown, valid: readonly string[], options: BgTasksErrorOptions = {}) {
    const shown = typeof strategy === 'string' ? quoteInput(strategy) : String(strategy);
    super(`unknown strategy ${shown}; use one of ${valid.join(', ')}, or pass a Strategy object`, options);
    this.strategy = String(strategy);
    this.valid = valid;
  }
}

/** An object passed as a strategy that lacks some of the {@link Strategy} members. */
export class InvalidStrategyError extends BgTasksError {
  static override readonly isInstance = defineError<InvalidStrategyError>(this, 'InvalidStrategyError');
  readonly missing: readonly string[];

  constructor(missing: readonly string[], options: BgTasksErrorOptions = {}) {
    super(
      `invalid strategy object: missing ${missing.join(', ')}; a Strategy has name, tools, beforeRequest, afterSuccess, afterFailure and onEndTurn (start from blockStrategy(), pollStrategy() or injectStrategy())`,
      options,
    );
    this.missing = missing;
  }
}
