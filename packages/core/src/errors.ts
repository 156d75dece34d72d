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

/** Base class of every error bgtasks throws. */
export class BgTasksError extends Error {
  readonly [BASE_MARKER] = true;

  constructor(message: string, options: BgTasksErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BgTasksError';
  }

  /** True for any bgtasks error, from any installed copy of the package. */
  static isInstance(value: unknown): value is BgTasksError {
    return typeof value === 'object' && value !== null && BASE_MARKER in value;
  }
}

function marker(name: string): symbol {
  return Symbol.for(`bgtasks.error.${name}`);
}

function hasMarker(value: unknown, sym: symbol): boolean {
  return typeof value === 'object' && value !== null && sym in value;
}

/** Most ids an error message lists; the rest are counted. */
const LISTED_IDS = 50;

function listIds(ids: readonly string[]): string {
  if (ids.length === 0) return 'there are no jobs';
  const more = ids.length > LISTED_IDS ? ` and ${ids.length - LISTED_IDS} more` : '';
  return `known jobs: ${ids.slice(0, LISTED_IDS).join(', ')}${more}`;
}

const UNKNOWN_JOB = marker('UnknownJobError');
/** A job id that the executor has never seen. */
export class UnknownJobError extends BgTasksError {
  readonly [UNKNOWN_JOB] = true;
  readonly jobId: string;
  readonly knownIds: readonly string[];

  constructor(jobId: string, knownIds: readonly string[], options: BgTasksErrorOptions = {}) {
    super(`unknown job id ${quoteInput(jobId)}; ${listIds(knownIds)}`, options);
    this.name = 'UnknownJobError';
    this.jobId = jobId;
    this.knownIds = knownIds;
  }

  static override isInstance(value: unknown): value is UnknownJobError {
    return hasMarker(value, UNKNOWN_JOB);
  }
}

const INVALID_SPEC = marker('InvalidJobSpecError');
/** A job spec (or other input) that failed validation; `issues` lists each problem. */
export class InvalidJobSpecError extends BgTasksError {
  readonly [INVALID_SPEC] = true;
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options: BgTasksErrorOptions = {}) {
    super(`invalid job spec: ${issues.join('; ')}`, options);
    this.name = 'InvalidJobSpecError';
    this.issues = issues;
  }

  static override isInstance(value: unknown): value is InvalidJobSpecError {
    return hasMarker(value, INVALID_SPEC);
  }
}

const INVALID_DURATION = marker('InvalidDurationError');
/** A duration (timeout, grace, wait) that is not a usable number of milliseconds. */
export class InvalidDurationError extends InvalidJobSpecError {
  readonly [INVALID_DURATION] = true;
  /** The option or field, e.g. `killGraceMs`. */
  readonly field: string;

  constructor(field: string, issue: string, options: BgTasksErrorOptions = {}) {
    super([issue], options);
    this.message = `invalid duration: ${issue}`;
    this.name = 'InvalidDurationError';
    this.field = field;
  }

  static override isInstance(value: unknown): value is InvalidDurationError {
    return hasMarker(value, INVALID_DURATION);
  }
}

const DROPPED_JOB = marker('JobDroppedError');
/**
 * A job that ended and was then dropped under the executor's retention policy (`retainJobs`,
 * `retainMs`): its snapshot, output and notice are gone. A subclass of {@link UnknownJobError},
 * so code that handles unknown ids handles it too.
 */
export class JobDroppedError extends UnknownJobError {
  readonly [DROPPED_JOB] = true;

  constructor(jobId: string, knownIds: readonly string[], policy: string, options: BgTasksErrorOptions = {}) {
    super(jobId, knownIds, options);
    this.message = `job ${quoteInput(jobId)} ended and was dropped (${policy}): its output and notice are no longer kept; ${listIds(knownIds)}`;
    this.name = 'JobDroppedError';
  }

  static override isInstance(value: unknown): value is JobDroppedError {
    return hasMarker(value, DROPPED_JOB);
  }
}

const DUPLICATE_ID = marker('DuplicateJobIdError');
/** A caller-chosen job id that is already taken. */
export class DuplicateJobIdError extends BgTasksError {
  readonly [DUPLICATE_ID] = true;
  readonly jobId: string;

  constructor(jobId: string, knownIds: readonly string[], options: BgTasksErrorOptions = {}) {
    super(
      `job id ${quoteInput(jobId)} is already in use; choose another id or omit it to get a generated one (${listIds(knownIds)})`,
      options,
    );
    this.name = 'DuplicateJobIdError';
    this.jobId = jobId;
  }

  static override isInstance(value: unknown): value is DuplicateJobIdError {
    return hasMarker(value, DUPLICATE_ID);
  }
}

const CLOSED = marker('ExecutorClosedError');
/** The executor was closed; it accepts no new jobs. */
export class ExecutorClosedError extends BgTasksError {
  readonly [CLOSED] = true;

  constructor(options: BgTasksErrorOptions = {}) {
    super('the executor is closed and accepts no new jobs; create a new BackgroundExecutor', options);
    this.name = 'ExecutorClosedError';
  }

  static override isInstance(value: unknown): value is ExecutorClosedError {
    return hasMarker(value, CLOSED);
  }
}

const LEASE = marker('LeaseError');
/** A lease that was already acked or released, or that belongs to another consumer. */
export class LeaseError extends BgTasksError {
  readonly [LEASE] = true;

  constructor(message: string, options: BgTasksErrorOptions = {}) {
    super(message, options);
    this.name = 'LeaseError';
  }

  static override isInstance(value: unknown): value is LeaseError {
    return hasMarker(value, LEASE);
  }
}

const ABORTED = marker('AbortedError');
/** An operation was cancelled through its AbortSignal. */
export class AbortedError extends BgTasksError {
  readonly [ABORTED] = true;

  constructor(message = 'the operation was aborted', options: BgTasksErrorOptions = {}) {
    super(message, options);
    this.name = 'AbortedError';
  }

  static override isInstance(value: unknown): value is AbortedError {
    return hasMarker(value, ABORTED);
  }
}

const JOB_INPUT = marker('JobInputError');

/** Input could not be written to a job: its stdin is not a pipe, is closed, or the job is not running. */
export class JobInputError extends BgTasksError {
  readonly [JOB_INPUT] = true;
  readonly jobId: string;

  constructor(jobId: string, reason: string, options: BgTasksErrorOptions = {}) {
    super(`cannot write to job ${quoteInput(jobId)}: ${reason}`, options);
    this.name = 'JobInputError';
    this.jobId = jobId;
  }

  static override isInstance(value: unknown): value is JobInputError {
    return hasMarker(value, JOB_INPUT);
  }
}

const UNSUPPORTED = marker('UnsupportedError');

/** The executor or its runtime lacks a capability a call needs (e.g. a queue backend and `waitFor`). */
export class UnsupportedError extends BgTasksError {
  readonly [UNSUPPORTED] = true;

  constructor(message: string, options: BgTasksErrorOptions = {}) {
    super(message, options);
    this.name = 'UnsupportedError';
  }

  static override isInstance(value: unknown): value is UnsupportedError {
    return hasMarker(value, UNSUPPORTED);
  }
}
