/**
 * The wake-up around an AI SDK call: when the model ends its turn while jobs still run, wait for
 * the next notice and call the model again, so the run ends only when the model ends its turn
 * with no job left. The loop inside each call stays the SDK's own.
 */
import { AbortedError } from '@bgtasks/core';
import type { ModelMessage } from 'ai';
import { type BgNotices, DEFAULT_WAKE_TIMEOUT_MS } from './with-notices.ts';

/** Options of {@link runUntilDone}. */
export interface RunUntilDoneOptions<R extends { response: { messages: ModelMessage[] } }> {
  /** The notice delivery the `generate` calls use as `prepareStep` and `onStepFinish`. */
  notices: BgNotices;
  /** The conversation so far, e.g. `[{ role: 'user', content: 'Build and test.' }]`. */
  messages: ModelMessage[];
  /** One model call over `messages`: a `generateText` with the notices' hooks (or a `streamText` whose response is awaited). */
  generate: (messages: ModelMessage[], signal: AbortSignal | undefined) => Promise<R>;
  /** How long to wait for a job to end before telling the model so. Default 30 minutes. */
  wakeTimeoutMs?: number;
  /** Most calls in all (the first and every wake-up). Default 100. */
  maxCalls?: number;
  signal?: AbortSignal;
}

/** The result of {@link runUntilDone}. */
export interface RunUntilDoneResult<R> {
  /** The conversation as the model saw it, ready for a next call. */
  messages: ModelMessage[];
  /** Every call's result, in order. */
  results: R[];
  /** `done`: the model ended its turn with no job left; `max_calls`: {@link RunUntilDoneOptions.maxCalls} was reached. */
  stopReason: 'done' | 'max_calls';
}

/**
 * Calls `generate` until the model ends its turn with no job running and no notice pending.
 * After a call that left jobs running, waits for the next notice (placed by the next call's
 * `prepareStep` as a user message: the wake-up) or the wake timeout (then tells the model which
 * jobs still run). A failed call rejects, and its notices are released for the next one.
 * @example
 * const notices = withNotices(executor);
 * const { messages } = await runUntilDone({
 *   notices,
 *   messages: [{ role: 'user', content: 'Build and test.' }],
 *   generate: (messages, abortSignal) =>
 *     generateText({ model, tools, messages, abortSignal, stopWhen: stepCountIs(50), prepareStep: notices.prepareStep, onStepFinish: notices.onStepFinish }),
 * });
 */
export async function runUntilDone<R extends { response: { messages: ModelMessage[] } }>(
  options: RunUntilDoneOptions<R>,
): Promise<RunUntilDoneResult<R>> {
  const { notices, signal } = options;
  const wakeTimeoutMs = options.wakeTimeoutMs ?? DEFAULT_WAKE_TIMEOUT_MS;
  const maxCalls = options.maxCalls ?? 100;
  let messages = [...options.messages];
  const results: R[] = [];
  while (results.length < maxCalls) {
    if (signal?.aborted) throw new AbortedError();
    let result: R;
    try {
      result = await options.generate(messages, signal);
    } catch (error) {
      await notices.abandon();
      throw error;
    }
    results.push(result);
    messages = notices.history(result.response);
    const reason = await notices.wait({ timeoutMs: wakeTimeoutMs, ...(signal ? { signal } : {}) });
    if (reason === 'idle') return { messages, results, stopReason: 'done' };
    if (reason === 'timeout') {
      const text = `No background job ended in the last ${Math.round(wakeTimeoutMs / 1000)} s; still running: ${notices.running().join(', ')}. End your turn to keep waiting, or stop a job with bg_kill.`;
      messages = [...messages, { role: 'user', content: [{ type: 'text', text }] }];
    }
  }
  return { messages, results, stopReason: 'max_calls' };
}
