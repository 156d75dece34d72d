/**
 * `--loop tool-runner`: the Anthropic SDK's own loop, `client.beta.messages.toolRunner`, with the
 * tools of `bgTools` and the notices of `withNotices` (`@bgtasks/anthropic`). The loop is the SDK's;
 * this file only watches it to report the same events and result as `runAgent`.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { BetaMessage } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { type AgentStopReason, DEFAULT_MAX_TOKENS, DEFAULT_MAX_TURNS } from '@bgtasks/agent';
import { bgTools, withNotices } from '@bgtasks/anthropic';
import { isFinalNotice } from '@bgtasks/core';
import { strategyFor } from '@bgtasks/strategies';
import type { AgentLoop } from './loop.ts';
import { LoopRecord } from './loop-record.ts';

const STOP_REASONS: Record<string, AgentStopReason> = {
  end_turn: 'end_turn',
  stop_sequence: 'stop_sequence',
  max_tokens: 'max_tokens',
  model_context_window_exceeded: 'max_tokens',
  refusal: 'refusal',
  // The runner stopped at max_iterations with calls unanswered.
  tool_use: 'max_turns',
};

export const runToolRunnerLoop: AgentLoop = async (input) => {
  const { executor, signal } = input;
  const runtime = executor.runtime;
  const book = new LoopRecord(input);
  const { record } = book;

  // A request leaves: a new turn. An SDK retry sends the same body again and is not one.
  const send = input.endpoint.fetch ?? fetch;
  let lastBody: unknown;
  const watchedFetch: typeof fetch = (url, init) => {
    if (init?.body !== lastBody) {
      lastBody = init?.body;
      record.startTurn();
    }
    return send(url, init);
  };
  const client = new Anthropic({ ...input.endpoint, fetch: watchedFetch });
  const strategy = strategyFor(input.strategy);
  const tools = bgTools(executor, {
    strategy,
    onCall: (call) =>
      book.toolCall({
        at: call.endedAt,
        toolUseId: call.toolUseId ?? '',
        name: call.name,
        input: call.input,
        isError: call.outcome.isError,
        text: call.outcome.text,
        durationMs: call.endedAt - call.startedAt,
        ...(call.outcome.endedJobs ? { endedJobs: call.outcome.endedJobs } : {}),
      }),
  });
  const runner = client.beta.messages.toolRunner(
    {
      model: input.model,
      max_tokens: DEFAULT_MAX_TOKENS,
      // The full history every turn: the simulated model speaks the plain Messages API.
      thread: false,
      stream: input.stream,
      max_iterations: input.maxTurns ?? DEFAULT_MAX_TURNS,
      tools,
      messages: [{ role: 'user', content: input.prompt }],
    },
    { signal },
  );
  const looped = withNotices(runner, executor, {
    strategy,
    signal,
    onDelivered: (notices, d) => {
      for (const n of notices) if (isFinalNotice(n)) record.deliver(n.jobId, n.endedAt, d.sentAt, d.via);
    },
    onWake: (wake) => record.emit({ type: 'wake', at: runtime.now(), turn: record.turn, ...wake }),
  });

  let final: BetaMessage | undefined;
  let stopReason = await book.run(async () => {
    for await (const item of looped) {
      final = 'finalMessage' in item ? await item.finalMessage() : item;
      book.delivered(book.takeShown());
      record.answered(final);
    }
    return undefined;
  });
  stopReason ??= STOP_REASONS[final?.stop_reason ?? ''] ?? 'end_turn';
  return record.done(stopReason, runner.params.messages as MessageParam[]);
};
