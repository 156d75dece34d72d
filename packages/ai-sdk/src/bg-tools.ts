/**
 * The bgtasks tools as AI SDK `tool()`s, generated from the framework-neutral descriptors that a
 * strategy offers, so the tool set is written once.
 */
import type { Executor } from '@bgtasks/core';
import { inputSchemaOf, type ToolDescriptor, type ToolOutcome } from '@bgtasks/polling';
import { type Strategy, type StrategyName, strategyFor } from '@bgtasks/strategies';
import { jsonSchema, type Tool, tool } from 'ai';

/** Options of {@link bgTools}. */
export interface BgToolsOptions {
  /**
   * A strategy name or object (`@bgtasks/strategies`); its tools are offered:
   * - `block`: the foreground `bash` only;
   * - `poll`: `bg_bash`, `check_bg`, `bg_wait`, `bg_output`, `bg_kill` (the model asks);
   * - `inject`: `bg_bash`, `bg_output`, `bg_kill`; pair with {@link withNotices} so notices come by themselves.
   */
  strategy: StrategyName | Strategy;
}

/** An AI SDK tool made from a bgtasks descriptor: its result is the tool's {@link ToolOutcome}. */
export type BgAiTool = Tool<unknown, ToolOutcome>;

const NEVER_ABORTED = new AbortController().signal;

/**
 * One descriptor as an AI SDK `tool()`. The model sees the descriptor's JSON Schema; the SDK does
 * not validate the input itself, so bad input reaches the descriptor, which answers with an error
 * result saying how to call the tool right (the SDK's own validation error would not). An error
 * outcome reaches the model as `error-text` (Anthropic: `is_error: true`), never as a thrown error.
 */
export function aiSdkTool(descriptor: ToolDescriptor): BgAiTool {
  return tool<unknown, ToolOutcome>({
    description: descriptor.description,
    inputSchema: jsonSchema<unknown>(inputSchemaOf(descriptor.inputSchema) as Parameters<typeof jsonSchema>[0]),
    execute: (input, { abortSignal }) => descriptor.execute(input, { signal: abortSignal ?? NEVER_ABORTED }),
    toModelOutput: ({ output }) =>
      output.isError ? { type: 'error-text', value: output.text } : { type: 'text', value: output.text },
  });
}

/** Descriptors as an AI SDK tool set, keyed by tool name; names must be unique. */
export function aiSdkTools(descriptors: readonly ToolDescriptor[]): Record<string, BgAiTool> {
  const tools: Record<string, BgAiTool> = {};
  for (const descriptor of descriptors) {
    if (Object.hasOwn(tools, descriptor.name)) throw new TypeError(`tool "${descriptor.name}" is listed twice`);
    tools[descriptor.name] = aiSdkTool(descriptor);
  }
  return tools;
}

/**
 * The tools of a strategy, for `generateText({ tools })` / `streamText({ tools })`. Throws
 * `UnknownStrategyError` for an unknown name and `InvalidStrategyError` for an incomplete object.
 * @example
 * const tools = bgTools(executor, { strategy: 'poll' });
 * const result = await generateText({ model, tools, stopWhen: stepCountIs(50), prompt: 'Run the tests.' });
 */
export function bgTools(executor: Executor, options: BgToolsOptions): Record<string, BgAiTool> {
  return aiSdkTools(strategyFor(options?.strategy).tools(executor).tools);
}
