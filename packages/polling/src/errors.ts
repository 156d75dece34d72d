/**
 * Errors of the tool layer. A tool never throws these into the agent loop: {@link defineTool}
 * turns them into `is_error: true` results; they exist so callers of a handler can tell what
 * went wrong by type.
 */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';
import { defineError } from '@bgtasks/core/internal';

/** Input a model gave a tool that does not fit the tool's schema; `usage` says how to call it. */
export class ToolInputError extends BgTasksError {
  static override readonly isInstance = defineError<ToolInputError>(this, 'ToolInputError');
  readonly tool: string;
  readonly issues: readonly string[];
  readonly usage: string;

  constructor(tool: string, issues: readonly string[], usage: string, options: BgTasksErrorOptions = {}) {
    super(`invalid input for ${tool}: ${issues.join('; ')}. ${usage}`, options);
    this.tool = tool;
    this.issues = issues;
    this.usage = usage;
  }
}

/** A tool name that the tool set does not offer. */
export class UnknownToolError extends BgTasksError {
  static override readonly isInstance = defineError<UnknownToolError>(this, 'UnknownToolError');
  readonly tool: string;
  readonly available: readonly string[];

  constructor(tool: string, available: readonly string[], options: BgTasksErrorOptions = {}) {
    super(`unknown tool "${tool}"; the tools available here are: ${available.join(', ')}`, options);
    this.tool = tool;
    this.available = available;
  }
}
