/**
 * The wake-up around an AI SDK call: when the model ends its turn, ask the strategy (inject: wait
 * for the next notice while jobs run) and call the model again, so the run ends only when the
 * model ends its turn with no job left. The loop inside each call stays the SDK's own.
 */
import { AbortedError } from '@bgtasks/core';
import type { EndTurnDecision } from '@bgtasks/strategies';
import type { ModelMessage } from 'ai';
import type { CallMessages } from './call-messages.ts';
import type { BgNotices } from './with-notices.ts';

/** Options of {@link runUntilDone}. */
export interface RunUntilDoneOptions<R extends CallMessages> {
  /** The notice delivery the `generate` calls use as `prepareStep` and `onStepFinish`. */
  notices: BgNotices;
  /** The conversation so far, e.g. `[{ role: 'user', content: 'Build and test.' }]`. */
  messages: ModelMessage[];
  /**
   * One model call over `messages`: a `generateText` with the notices' hooks, or a `streamText`
   * whose messages are awaited (see {@link CallMessages}).
   */
  generate: (messages: ModelMessage[], signal: AbortSignal | undefined) => Promise<R>;
  /** Most calls in all (the first and every wake-up). Default 100. */
  maxCalls?: number;
  /** Called with the strategy's decision each time the model ended its turn. */
  onEndTurn?: (decision: EndTurnDecision) => void;
  signal?: AbortSignal;
}

/** The result of {@link runUntilDone}. */
export interface RunUntilDoneResult<R> {
  /** The conversation as the model saw it, ready for a next call. */
  messages: ModelMessage[];
  /** Every call's result, in order. */
  results: R[];
  /** `done`: the strategy stopped (inject: no job left); `max_calls`: {@link RunUntilDoneOptions.maxCalls} was reached. */
  stopReason: 'done' | 'max_calls';
}

/**
 * Calls `generate` until the model ends its turn and the strategy says stop (inject: no job
 * running and no notice pending). Otherwise waits as the strategy does (inject: for the next
 * notice, placed by the next call's `prepareStep` as a user message, the wake-up; or its wake
 * timeout, then tells the model which jobs still run). A failed call rejects, and its notices
 * are released for the next one (`notices.rollback()` gives the conversation to retry from).
 * @example
 * const notices = withNotices(executor);
 * const { messages } = await runUntilDone({
 *   notices,
 *   messages: [{ role: 'user', content: 'Build and test.' }],
 *   generate: (messages, abortSignal) =>
 *     generateText({ model, tools, messages, abortSignal, stopWhen: stepCountIs(50), prepareStep: notices.prepareStep, onStepFinish: notices.onStepFinish }),
 * });
 */
export async function runUntilDone<R extends CallMessages>(options: RunUntilDoneOptions<R>): Promise<RunUntilDoneResult<R>> {
  const { notices, signal } = options;
  const maxCalls = options.maxCalls ?? 100;
  let messages = [...options.messages];
  const results: R[] = [];
  for (;;) {
    if (signal?.aborted) throw new AbortedError();
    let result: R;
    try {
      result = await options.generate(messages, signal);
    } catch (error) {
      await notices.abandon();
      throw error;
    }
    results.push(result);
    messages = notices.history(result);
    const decision = await notices.endTurn({ turnsLeft: maxCalls - results.length, ...(signal ? { signal } : {}) });
    options.onEndTurn?.(decision);
    if (decision.action === 'stop')
      return { messages, results, stopReason: decision.reason === 'max_turns' ? 'max_calls' : 'done' };
    if (decision.say) messages = [...messages, { role: 'user', content: [{ type: 'text', text: decision.say }] }];
  }
}
