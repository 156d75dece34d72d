/** Errors of the agent loop. */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';

const MODEL_REQUEST = Symbol.for('bgtasks.error.ModelRequestError');

/**
 * A model request failed for good: the SDK retried what it retries (429, 5xx, connection errors,
 * `maxRetries` times) and gave up, or the error is not retryable (400, 401, ...). The notices the
 * request carried were released, so none is lost; `partial` holds the run up to the failure.
 */
export class ModelRequestError<Partial = unknown> extends BgTasksError {
  readonly [MODEL_REQUEST] = true;
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
    this.name = 'ModelRequestError';
    this.turn = turn;
    this.status = status;
    this.partial = partial;
  }

  static override isInstance(value: unknown): value is ModelRequestError {
    return typeof value === 'object' && value !== null && MODEL_REQUEST in value;
  }
}
