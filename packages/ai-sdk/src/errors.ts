/** Errors of the AI SDK adapter. */
import { BgTasksError } from '@bgtasks/core';
import { defineError } from '@bgtasks/core/internal';

/**
 * `history()` was given a response that is not the one of the last `generateText`/`streamText`
 * call whose steps went through this `withNotices` (too few messages, or no call yet).
 */
export class NoticeHistoryError extends BgTasksError {
  static override readonly isInstance = defineError<NoticeHistoryError>(this, 'NoticeHistoryError');
}
