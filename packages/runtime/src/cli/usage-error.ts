import { BgTasksError } from '@bgtasks/core';
import { defineError } from '@bgtasks/core/internal';

/**
 * A mistake on a command line (unknown flag, bad value, missing file): every bgtasks bin prints
 * its message as one line and exits 2, never with a stack trace.
 */
export class UsageError extends BgTasksError {
  static override readonly isInstance = defineError<UsageError>(this, 'UsageError');
}

/** Exit code of a bin for bad input. */
export const USAGE_EXIT_CODE = 2;
