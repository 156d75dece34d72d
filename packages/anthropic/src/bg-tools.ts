/**
 * The bgtasks tools as the Anthropic SDK's own runnable tools, generated from the framework-neutral
 * descriptors, for `client.beta.messages.toolRunner({ tools })`.
 */
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { ToolError } from '@anthropic-ai/sdk/lib/tools/ToolError';
import type { BetaTool } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { Executor, Runtime } from '@bgtasks/core';
import { inputSchemaOf, type ToolDescriptor, type ToolOutcome } from '@bgtasks/polling';
import { type Strategy, type StrategyName, strategyFor } from '@bgtasks/strategies';

/** A custom tool the SDK's tool runner can run: its API definition plus `run` and `parse`. */
export type BgRunnableTool = BetaRunnableTool<unknown> & BetaTool;

/** One call of a tool, as {@link RunnableToolOptions.onCall} reports it. */
export interface ToolCall {
  name: string;
  /** The id of the model's `tool_use` block, when the runner passes it. */
  toolUseId: string | undefined;
  input: unknown;
  outcome: ToolOutcome;
  /** When the call started and ended, ms on the clock. */
  startedAt: number;
  endedAt: number;
}

/** Options of {@link runnableTool}. */
export interface RunnableToolOptions {
  /** Called after each call with what the model gets back (for logs, a live view, events). */
  onCall?: (call: ToolCall) => void;
  /** The clock of `startedAt` / `endedAt`; `performance.now()` by default. */
  clock?: Pick<Runtime, 'now'>;
}

/**
 * One descriptor as a `BetaRunnableTool`. The descriptor validates the input itself (so the model
 * reads what was wrong and how to call the tool right, not a raw zod dump): `parse` passes the
 * input through, `run` answers with the descriptor's text, and an `isError` answer is thrown as a
 * `ToolError`, which the runner sends back with `is_error: true`.
 */
export function runnableTool(descriptor: ToolDescriptor, options: RunnableToolOptions = {}): BgRunnableTool {
  const now = options.clock ? () => options.clock!.now() : () => performance.now();
  return {
    type: 'custom',
    name: descriptor.name,
    description: descriptor.description,
    input_schema: inputSchemaOf(descriptor.inputSchema),
    parse: (input: unknown) => input,
    async run(input, context) {
      // The runner passes its request signal when it has one; a tool call always needs one.
      const signal = context?.signal ?? new AbortController().signal;
      const startedAt = now();
      const outcome = await descriptor.execute(input, { signal });
      options.onCall?.({ name: descriptor.name, toolUseId: context?.toolUse.id, input, outcome, startedAt, endedAt: now() });
      if (outcome.isError) throw new ToolError(outcome.text);
      return outcome.text;
    },
  };
}

/** Options of {@link bgTools}. */
export interface BgToolsOptions {
  /** Whose tools: a strategy name or object. Default `inject`; pair it with `withNotices`. */
  strategy?: StrategyName | Strategy;
  /** Called after each tool call (times on the executor's clock). */
  onCall?: (call: ToolCall) => void;
}

/**
 * The strategy's tools (`inject`: `bg_bash`, `bg_output`, `bg_kill`; `poll`: plus `check_bg`,
 * `bg_wait`; `block`: `bash`) as `BetaRunnableTool`s over `executor`.
 * @example
 * const runner = client.beta.messages.toolRunner({
 *   model: 'claude-sonnet-4-6', max_tokens: 4096, thread: false,
 *   tools: bgTools(executor, { strategy: 'poll' }),
 *   messages: [{ role: 'user', content: 'Run the tests.' }],
 * });
 */
export function bgTools(executor: Executor, options: BgToolsOptions = {}): BgRunnableTool[] {
  return strategyFor(options.strategy ?? 'inject')
    .tools(executor)
    .tools.map((descriptor) =>
      runnableTool(descriptor, { clock: executor.runtime, ...(options.onCall ? { onCall: options.onCall } : {}) }),
    );
}
