/**
 * Typed errors. Every error bgtasks throws is a {@link BgTasksError}; each subclass carries a
 * `Symbol.for` marker so `isInstance` still answers correctly when two copies of the package
 * are installed side by side (where `instanceof` would not).
 */

import { quoteInput } from './quote-input.ts';

const BASE_MARKER = Symbol.for('bgtasks.error');

/** Options shared by every bgtasks error. */
export interface BgTasksErrorOptions {
  cause?: unknown;
}

/**
 * Makes `cls` the bgtasks error named `name` and returns its `isInstance`: its prototype carries
 * the name and the `Symbol.for('bgtasks.error.<name>')` marker (so every instance, and every
 * subclass's, has it), and `isInstance` answers by the marker, so that two installed copies of a
 * package still agree where `instanceof` would not. Every error class is declared with it:
 *
 * @example
 * export class LeaseError extends BgTasksError {
 *   static override readonly isInstance = defineError<LeaseError>(this, 'LeaseError');
 * }
 */
export function defineError<T extends object>(
  cls: abstract new (...args: never[]) => T,
  name: string,
): (value: unknown) => value is T {
  const marker = Symbol.for(`bgtasks.error.${name}`);
  Object.defineProperty(cls.prototype, marker, { value: true });
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  return (value): value is T => typeof value === 'object' && value !== null && marker in value;
}

/** Base class of every error bgtasks throws. */
export class BgTasksError extends Error {
  /** True for any bgtasks error, from any installed copy of the package. */
  static readonly isInstance: (value: unknown) => value is BgTasksError = (value): value is BgTasksError =>
    typeof value === 'object' && value !== null && BASE_MARKER in value;
  readonly [BASE_MARKER] = true;

  constructor(message: string, options: BgTasksErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // The name its class was defined with (see defineError), as the error's own property.
    this.name = (new.target.prototype as Error).name;
  }
}
Object.defineProperty(BgTasksError.prototype, 'name', { value: 'BgTasksError', writable: true, configurable: true });

/** Most ids an error message lists; the rest are counted. */
const LISTED_IDS = 50;

function listIds(ids: readonly string[]): string {
  if (ids.length === 0) return 'there are no jobs';
  const more = ids.length > LISTED_IDS ? ` and ${ids.length - LISTED_IDS} more` : '';
  return `known jobs: ${ids.slice(0, LISTED_IDS).join(', ')}${more}`;
}

/** A job id that the executor has never seen. */
export class UnknownJobError extends BgTasksError {
  static override readonly isInstance = defineError<UnknownJobError>(this, 'UnknownJobError');
  readonly jobId: string;
  readonly knownIds: readonly string[];

  constructor(jobId: string, knownIds: readonly string[], options: BgTasksErrorOptions = {}) {
    super(`unknown job id ${quoteInput(jobId)}; ${listIds(knownIds)}`, options);
    this.jobId = jobId;
    this.knownIds = knownIds;
  }
}

/** A job spec (or other input) that failed validation; `issues` lists each problem. */
export class InvalidJobSpecError extends BgTasksError {
  static override readonly isInstance = defineError<InvalidJobSpecError>(this, 'InvalidJobSpecError');
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options: BgTasksErrorOptions = {}) {
    super(`invalid job spec: ${issues.join('; ')}`, options);
    this.issues = issues;
  }
}

/** A duration (timeout, grace, wait) that is not a usable number of milliseconds. */
export class InvalidDurationError extends InvalidJobSpecError {
  static override readonly isInstance = defineError<InvalidDurationError>(this, 'InvalidDurationError');
  /** The option or field, e.g. `killGraceMs`. */
  readonly field: string;

  constructor(field: string, issue: string, options: BgTasksErrorOptions = {}) {
    super([issue], options);
    this.message = `invalid duration: ${issue}`;
    this.field = field;
  }
}

/**
 * A job that ended and was then dropped under the executor's retention policy (`retainJobs`,
 * `retainMs`): its snapshot, output and notice are gone. A subclass of {@link UnknownJobError},
 * so code that handles unknown ids handles it too.
 */
export class JobDroppedError extends UnknownJobError {
  static override readonly isInstance = defineError<JobDroppedError>(this, 'JobDroppedError');

  constructor(jobId: string, knownIds: readonly string[], policy: string, options: BgTasksErrorOptions = {}) {
    super(jobId, knownIds, options);
    this.message = `job ${quoteInput(jobId)} ended and was dropped (${policy}): its output and notice are no longer kept; ${listIds(knownIds)}`;
  }
}

/** A caller-chosen job id that is already taken. */
export class DuplicateJobIdError extends BgTasksError {
  static override readonly isInstance = defineError<DuplicateJobIdError>(this, 'DuplicateJobIdError');
  readonly jobId: string;

  constructor(jobId: string, knownIds: readonly string[], options: BgTasksErrorOptions = {}) {
    super(
      `job id ${quoteInput(jobId)} is already in use; choose another id or omit it to get a generated one (${listIds(knownIds)})`,
      options,
    );
    this.jobId = jobId;
  }
}

/** The executor was closed; it accepts no new jobs. */
export class ExecutorClosedError extends BgTasksError {
  static override readonly isInstance = defineError<ExecutorClosedError>(this, 'ExecutorClosedError');

  constructor(options: BgTasksErrorOptions = {}) {
    super('the executor is closed and accepts no new jobs; create a new BackgroundExecutor', options);
  }
}

/** A lease that was already acked or released, or that belongs to another consumer. */
export class LeaseError extends BgTasksError {
  static override readonly isInstance = defineError<LeaseError>(this, 'LeaseError');
}

/** An operation was cancelled through its AbortSignal. */
export class AbortedError extends BgTasksError {
  static override readonly isInstance = defineError<AbortedError>(this, 'AbortedError');

  constructor(message = 'the operation was aborted', options: BgTasksErrorOptions = {}) {
    super(message, options);
  }
}

/** Input could not be written to a job: its stdin is not a pipe, is closed, or the job is not running. */
export class JobInputError extends BgTasksError {
  static override readonly isInstance = defineError<JobInputError>(this, 'JobInputError');
  readonly jobId: string;

  constructor(jobId: string, reason: string, options: BgTasksErrorOptions = {}) {
    super(`cannot write to job ${quoteInput(jobId)}: ${reason}`, options);
    this.jobId = jobId;
  }
}

/** The executor or its runtime lacks a capability a call needs (e.g. a queue backend and `waitFor`). */
export class UnsupportedError extends BgTasksError {
  static override readonly isInstance = defineError<UnsupportedError>(this, 'UnsupportedError');
}
