/**
 * One tool the model can call: an Anthropic tool definition whose `input_schema` is generated
 * from a zod schema (`z.toJSONSchema`), and a handler that never throws bad input back into the
 * agent loop: it answers with `isError: true` and says how to call the tool right.
 */
import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { AbortedError, BgTasksError } from '@bgtasks/core';
import { describeIssues } from '@bgtasks/core/internal';
import * as z from 'zod';
import { ToolInputError } from './errors.ts';
import { usageLine } from './internal/usage.ts';

/** Longest `cwd` a tool accepts: PATH_MAX on Linux. */
export const MAX_CWD_LENGTH = 4_096;

/** What a tool call answers: plain text, and whether it is an error (`is_error: true`). */
export interface ToolOutcome {
  text: string;
  isError: boolean;
  /** Jobs this call started (for `job_started` events). */
  startedJobs?: readonly string[];
  /** Jobs whose end this result shows the model (for `notice_delivered` and its latency). */
  endedJobs?: readonly string[];
}

/**
 * A framework-neutral tool: what every adapter (the own loop, the Anthropic SDK's tool runner,
 * the AI SDK, the MCP server) is generated from, so the tool set is written once.
 */
export interface ToolDescriptor {
  readonly name: string;
  /** What the model reads to decide when and how to call the tool. */
  readonly description: string;
  /** The input schema: a strict zod object schema. */
  readonly inputSchema: z.ZodType;
  /**
   * Validates `input` against {@link inputSchema} and runs the tool. Bad input and failures come
   * back as `isError: true` outcomes that say how to call it right; rejects only with
   * {@link AbortedError} when `signal` aborts.
   */
  execute(input: unknown, options: { signal: AbortSignal }): Promise<ToolOutcome>;
}

/** A tool ready to offer to the model and to call. */
export interface BgTool extends ToolDescriptor {
  /** The Anthropic tool definition (name, description, input_schema). */
  readonly definition: Tool;
  /** One line saying how to call the tool, used in error results. */
  readonly usage: string;
  /** Validates `input` and runs the tool; rejects only with {@link AbortedError}. */
  call(input: unknown, signal: AbortSignal): Promise<ToolOutcome>;
}

/** What {@link defineTool} needs. */
export interface ToolSpec<S extends z.ZodType> {
  name: string;
  description: string;
  /** Input schema; an object schema, `.strict()` so unknown fields are reported. */
  schema: S;
  run(input: z.output<S>, signal: AbortSignal): ToolOutcome | Promise<ToolOutcome>;
}

/** The JSON Schema of a zod object schema, in the shape `Tool.input_schema` wants. */
export function inputSchemaOf(schema: z.ZodType): Tool.InputSchema {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  if (json.type !== 'object') throw new TypeError('a tool input schema must be a zod object schema');
  return json as Tool.InputSchema;
}

/** Longest error message a tool answers with (before the usage line); the rest is cut. */
export const MAX_ERROR_CHARS = 2_000;

/** An error result: what was wrong (at most {@link MAX_ERROR_CHARS}), then how to call the tool right. */
export function errorOutcome(message: string, usage?: string): ToolOutcome {
  const shown = message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS)}… (cut)` : message;
  return { text: usage ? `${shown}\n${usage}` : shown, isError: true };
}

/**
 * Defines a tool from a zod schema and a handler.
 * @example
 * const ping = defineTool({
 *   name: 'ping',
 *   description: 'Answers pong.',
 *   schema: z.object({}).strict(),
 *   run: () => ({ text: 'pong', isError: false }),
 * });
 */
export function defineTool<S extends z.ZodType>(spec: ToolSpec<S>): BgTool {
  const input_schema = inputSchemaOf(spec.schema);
  const usage = usageLine(spec.name, input_schema as { properties?: Record<string, unknown>; required?: string[] });
  const call = async (input: unknown, signal: AbortSignal): Promise<ToolOutcome> => {
    if (signal.aborted) throw new AbortedError();
    const parsed = spec.schema.safeParse(input ?? {});
    if (!parsed.success) {
      const error = new ToolInputError(spec.name, describeIssues(parsed.error), usage);
      return errorOutcome(`invalid input for ${spec.name}: ${error.issues.join('; ')}`, usage);
    }
    try {
      return await spec.run(parsed.data, signal);
    } catch (error) {
      if (AbortedError.isInstance(error)) throw error;
      if (BgTasksError.isInstance(error)) return errorOutcome(`${spec.name} failed: ${error.message}`, usage);
      const message = error instanceof Error ? error.message : String(error);
      return errorOutcome(`${spec.name} failed unexpectedly: ${message}`);
    }
  };
  return {
    name: spec.name,
    description: spec.description,
    inputSchema: spec.schema,
    definition: { name: spec.name, description: spec.description, input_schema },
    usage,
    call,
    execute: (input, { signal }) => call(input, signal),
  };
}
