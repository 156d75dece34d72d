/**
 * A set of tools offered together: the definitions to send with a request and one `handle` that
 * dispatches a `tool_use` block by name. Which set is offered is what defines a strategy.
 */
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { UnknownToolError } from './errors.ts';
import { type BgTool, errorOutcome, type ToolOutcome } from './tool.ts';

/** Tools offered together, and their dispatcher. */
export interface ToolSet {
  /** The tools themselves, in order: descriptors for the adapters (AI SDK, MCP, tool runner). */
  readonly tools: readonly BgTool[];
  /** The tool definitions, in order, for `messages.create({ tools })`. */
  readonly definitions: Tool[];
  /** Tool names, in order. */
  readonly names: readonly string[];
  /**
   * Runs tool `name` with the model's `input`. Never rejects for bad input or an unknown name
   * (those come back with `isError: true`); rejects only when `signal` aborts.
   */
  handle(name: string, input: unknown, signal: AbortSignal): Promise<ToolOutcome>;
}

/** Combines tools into a {@link ToolSet}; names must be unique. */
export function createToolSet(tools: readonly BgTool[]): ToolSet {
  const byName = new Map<string, BgTool>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new TypeError(`tool "${tool.name}" is listed twice`);
    byName.set(tool.name, tool);
  }
  const names = [...byName.keys()];
  return {
    tools: [...tools],
    definitions: tools.map((t) => t.definition),
    names,
    handle(name, input, signal) {
      const tool = byName.get(name);
      if (!tool) return Promise.resolve(errorOutcome(new UnknownToolError(name, names).message));
      return tool.call(input, signal);
    },
  };
}
