/**
 * The bgtasks tools as the Anthropic SDK's own runnable tools, generated from the framework-neutral
 * descriptors, for `client.beta.messages.toolRunner({ tools })`.
 */
import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import { ToolError } from '@anthropic-ai/sdk/lib/tools/ToolError';
import type { BetaTool } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { Executor } from '@bgtasks/core';
import { inputSchemaOf, type ToolDescriptor } from '@bgtasks/polling';
import { type Strategy, type StrategyName, strategyFor } from '@bgtasks/strategies';

/** A custom tool the SDK's tool runner can run: its API definition plus `run` and `parse`. */
export type BgRunnableTool = BetaRunnableTool<unknown> & BetaTool;

/**
 * One descriptor as a `BetaRunnableTool`. The descriptor validates the input itself (so the model
 * reads what was wrong and how to call the tool right, not a raw zod dump): `parse` passes the
 * input through, `run` answers with the descriptor's text, and an `isError` answer is thrown as a
 * `ToolError`, which the runner sends back with `is_error: true`.
 */
export function runnableTool(descriptor: ToolDescriptor): BgRunnableTool {
  return {
    type: 'custom',
    name: descriptor.name,
    description: descriptor.description,
    input_schema: inputSchemaOf(descriptor.inputSchema),
    parse: (input: unknown) => input,
    async run(input, context) {
      // The runner passes its request signal when it has one; a tool call always needs one.
      const signal = context?.signal ?? new AbortController().signal;
      const outcome = await descriptor.execute(input, { signal });
      if (outcome.isError) throw new ToolError(outcome.text);
      return outcome.text;
    },
  };
}

/** Options of {@link bgTools}. */
export interface BgToolsOptions {
  /** Whose tools: a strategy name or object. Default `inject`; pair it with `withNotices`. */
  strategy?: StrategyName | Strategy;
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
    .tools.map(runnableTool);
}
