/** Errors of the agent loop. */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';
import { defineError } from '@bgtasks/core/internal';

/**
 * A model request failed for good: the SDK retried what it retries (429, 5xx, connection errors,
 * `maxRetries` times) and gave up, or the error is not retryable (400, 401, ...). The notices the
 * request carried were released, so none is lost; `partial` holds the run up to the failure.
 */
export class ModelRequestError<Partial = unknown> extends BgTasksError {
  static override readonly isInstance = defineError<ModelRequestError>(this, 'ModelRequestError');
  /** The turn whose request failed. */
  readonly turn: number;
  /** HTTP status when the API answered, undefined for connection errors. */
  readonly status: number | undefined;
  readonly partial: Partial;

  constructor(turn: number, status: number | undefined, partial: Partial, options: BgTasksErrorOptions = {}) {
    const cause = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `model request of turn ${turn} failed${status !== undefined ? ` with status ${status}` : ''} after the SDK's retries: ${cause}`,
      options,
    );
    this.turn = turn;
    this.status = status;
    this.partial = partial;
  }
}
