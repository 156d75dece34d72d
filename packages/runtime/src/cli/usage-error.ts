import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';

const USAGE = Symbol.for('bgtasks.error.UsageError');

/**
 * A mistake on a command line (unknown flag, bad value, missing file): every bgtasks bin prints
 * its message as one line and exits 2, never with a stack trace.
 */
export class UsageError extends BgTasksError {
  readonly [USAGE] = true;

  constructor(message: string, options: BgTasksErrorOptions = {}) {
    super(message, options);
    this.name = 'UsageError';
  }

  static override isInstance(value: unknown): value is UsageError {
    return typeof value === 'object' && value !== null && USAGE in value;
  }
}

/** Exit code of a bin for bad input. */
export const USAGE_EXIT_CODE = 2;
