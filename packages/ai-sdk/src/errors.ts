/** Errors of the AI SDK adapter. */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';

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
