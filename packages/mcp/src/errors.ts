/** Errors of the MCP server package. */
import { BgTasksError } from '@bgtasks/core';
import { defineError } from '@bgtasks/core/internal';

/** A wrong flag or option of `bgtasks-mcp`: one line saying what was wrong and what is valid (exit code 2). */
export class McpUsageError extends BgTasksError {
  static override readonly isInstance = defineError<McpUsageError>(this, 'McpUsageError');
}
