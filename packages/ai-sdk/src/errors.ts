/** Errors of the AI SDK adapter. */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';

const UNKNOWN_STRATEGY = Symbol.for('bgtasks.error.UnknownStrategyError');

/** A strategy name other than `block`, `poll` or `inject`. */
export class UnknownStrategyError extends BgTasksError {
  readonly [UNKNOWN_STRATEGY] = true;
  readonly strategy: unknown;

  constructor(strategy: unknown, options: BgTasksErrorOptions = {}) {
    super(`unknown strategy ${JSON.stringify(strategy) ?? String(strategy)}; valid strategies: block, poll, inject`, options);
    this.name = 'UnknownStrategyError';
    this.strategy = strategy;
  }

  static override isInstance(value: unknown): value is UnknownStrategyError {
    return typeof value === 'object' && value !== null && UNKNOWN_STRATEGY in value;
  }
}

const NOTICE_HISTORY = Symbol.for('bgtasks.error.NoticeHistoryError');

/**
 * `history()` was given a response that is not the one of the last `generateText`/`streamText`
 * call whose steps went through this `withNotices` (too few messages, or no call yet).
 */
export class NoticeHistoryError extends BgTasksError {
  readonly [NOTICE_HISTORY] = true;

  constructor(message: string, options: BgTasksErrorOptions = {}) {
    super(message, options);
    this.name = 'NoticeHistoryError';
  }

  static override isInstance(value: unknown): value is NoticeHistoryError {
    return typeof value === 'object' && value !== null && NOTICE_HISTORY in value;
  }
}
