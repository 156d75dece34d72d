/**
 * The bgtasks tool descriptors (`@bgtasks/polling`) as MCP sees them, shared by both revisions:
 * the tool listing, the check of `arguments` before the tool's own validation, and the result.
 */
import type { ToolDescriptor, ToolOutcome } from '@bgtasks/polling';
import { inputSchemaOf } from '@bgtasks/polling';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';

/** The tool that may run as a task. */
export const TASK_TOOL = 'bg_bash';

/** A descriptor as an MCP tool: `bg_bash` task-capable (`optional`), the others `forbidden`. */
export function toolOf(descriptor: ToolDescriptor): Tool {
  return {
    name: descriptor.name,
    description: descriptor.description,
    inputSchema: inputSchemaOf(descriptor.inputSchema) as Tool['inputSchema'],
    execution: { taskSupport: descriptor.name === TASK_TOOL ? 'optional' : 'forbidden' },
  };
}

/**
 * An `isError` outcome when `arguments` is not something a tool can validate (a JSON object, or
 * absent; null counts as absent, as in process); undefined when the tool's schema decides.
 */
export function argumentsError(name: string, args: unknown): ToolOutcome | undefined {
  if (args === undefined || args === null || (typeof args === 'object' && !Array.isArray(args))) return undefined;
  const what = Array.isArray(args) ? 'an array' : `a ${typeof args}`;
  return {
    text: `invalid input for ${name}: "arguments" must be an object of the tool's parameters, got ${what}`,
    isError: true,
  };
}

/** A tool outcome as a `CallToolResult`, with `extra` (notices) as one more text item. */
export function resultOf(outcome: ToolOutcome, extra?: string): CallToolResult {
  const content: CallToolResult['content'] = [{ type: 'text', text: outcome.text }];
  if (extra !== undefined) content.push({ type: 'text', text: extra });
  return { content, isError: outcome.isError };
}
