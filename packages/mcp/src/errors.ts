/** Errors of the MCP server package. */
import { BgTasksError, type BgTasksErrorOptions } from '@bgtasks/core';

const USAGE = Symbol.for('bgtasks.error.McpUsageError');

/** A wrong flag or option of `bgtasks-mcp`: one line saying what was wrong and what is valid (exit code 2). */
export class McpUsageError extends BgTasksError {
  readonly [USAGE] = true;

  constructor(message: string, options: BgTasksErrorOptions = {}) {
    super(message, options);
    this.name = 'McpUsageError';
  }

  static override isInstance(value: unknown): value is McpUsageError {
    return typeof value === 'object' && value !== null && USAGE in value;
  }
}
