/**
 * Errors of the simulated model, on core's pattern: a `Symbol.for` marker per class so
 * `isInstance` answers across installed copies, messages that say what is wrong and what is valid.
 */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';
import { defineError } from '@bgtasks/core/internal';

/** One problem in a scenario: the field (`jobs[1].after[0]`), what is wrong, and its line if known. */
export interface ScenarioIssue {
  path: string;
  message: string;
  /** 1-based line in the scenario file, when the scenario came from text. */
  line?: number;
}

function describe(issue: ScenarioIssue): string {
  return `${issue.path}${issue.line === undefined ? '' : ` (line ${issue.line})`}: ${issue.message}`;
}

/** A scenario (object or file) that failed validation; `issues` names each field and line. */
export class InvalidScenarioError extends BgTasksError {
  static override readonly isInstance = defineError<InvalidScenarioError>(this, 'InvalidScenarioError');
  readonly issues: readonly ScenarioIssue[];
  readonly source: string | undefined;

  constructor(issues: readonly ScenarioIssue[], options: BgTasksErrorOptions & { source?: string } = {}) {
    const where = options.source === undefined ? '' : ` in ${options.source}`;
    super(`invalid scenario${where}: ${issues.map(describe).join('; ')}`, options);
    this.issues = issues;
    this.source = options.source;
  }
}

/** Error types of the Messages API that the simulated model answers with. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'api_error';

/** An error the simulated model answers over HTTP, shaped like the Messages API's. */
export class SimApiError extends BgTasksError {
  static override readonly isInstance = defineError<SimApiError>(this, 'SimApiError');
  readonly status: number;
  readonly type: ApiErrorType;

  constructor(status: number, type: ApiErrorType, message: string, options: BgTasksErrorOptions = {}) {
    super(message, options);
    this.status = status;
    this.type = type;
  }
}

/** A server the simulated model refuses to start, e.g. on a host that is not loopback. */
export class SimServeError extends BgTasksError {
  static override readonly isInstance = defineError<SimServeError>(this, 'SimServeError');
}
