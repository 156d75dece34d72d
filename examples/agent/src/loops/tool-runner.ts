/**
 * `--loop tool-runner`: the Anthropic SDK's own loop, `client.beta.messages.toolRunner`, with the
 * tools of `bgTools` and the notices of `withNotices` (`@bgtasks/anthropic`). The loop is the SDK's;
 * this file only watches it to report the same events and result as `runAgent`.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { BetaMessage } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { Message, MessageParam, Usage } from '@anthropic-ai/sdk/resources/messages';
import {
  type AgentEvent,
  type AgentResult,
  type AgentStopReason,
  addUsage,
  costOf,
  DEFAULT_MAX_TOKENS,
  DEFAULT_MAX_TURNS,
  emptyUsage,
  type NoticeVia,
  newJobsOf,
  PRICES,
  priceFor,
  type TurnUsage,
  usageOf,
  watchJobs,
} from '@bgtasks/agent';
import { bgTools, withNotices } from '@bgtasks/anthropic';
import { isFinalState } from '@bgtasks/core';
import { strategyFor } from '@bgtasks/strategies';
import type { AgentLoop } from './loop.ts';

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
  const maxTurns = input.maxTurns ?? DEFAULT_MAX_TURNS;
  const price = priceFor(input.model, PRICES);
  const events: AgentEvent[] = [];
  const emit = (event: AgentEvent): void => {
    events.push(event);
    input.onEvent(event);
  };
  let turn = 0;
  let turnAt = runtime.now();
  const usage: TurnUsage[] = [];
  let totalUsage = emptyUsage();
  const delivered = new Set<string>();
  const deliver = (jobId: string, endedAt: number | undefined, sentAt: number, via: NoticeVia): void => {
    if (delivered.has(jobId) || endedAt === undefined) return;
    delivered.add(jobId);
    emit({ type: 'notice_delivered', at: runtime.now(), turn, jobId, latencyMs: sentAt - endedAt, via });
  };
  /** Jobs whose end the last tool results show; delivered once the request carrying them succeeds. */
  let shown: string[] = [];
  const newJobs = newJobsOf(executor);

  // A request leaves: a new turn. An SDK retry sends the same body again and is not one.
  const send = input.endpoint.fetch ?? fetch;
  let lastBody: unknown;
  const watchedFetch: typeof fetch = (url, init) => {
    if (init?.body !== lastBody) {
      lastBody = init?.body;
      turnAt = runtime.now();
      emit({ type: 'turn', at: turnAt, turn: ++turn });
    }
    return send(url, init);
  };
  const client = new Anthropic({ ...input.endpoint, fetch: watchedFetch });
  const strategy = strategyFor(input.strategy);
  const tools = bgTools(executor, {
    strategy,
    onCall: (call) => {
      const { text, isError } = call.outcome;
      const toolUseId = call.toolUseId ?? '';
      const durationMs = call.endedAt - call.startedAt;
      emit({
        type: 'tool_call',
        at: call.endedAt,
        turn,
        toolUseId,
        name: call.name,
        input: call.input,
        isError,
        text,
        durationMs,
      });
      shown.push(...(call.outcome.endedJobs ?? []));
      for (const job of newJobs())
        emit({ type: 'job_started', at: call.endedAt, turn, jobId: job.id, command: job.spec.command });
    },
  });
  const runner = client.beta.messages.toolRunner(
    {
      model: input.model,
      max_tokens: DEFAULT_MAX_TOKENS,
      // The full history every turn: the simulated model speaks the plain Messages API.
      thread: false,
      stream: input.stream,
      max_iterations: maxTurns,
      tools,
      messages: [{ role: 'user', content: input.prompt }],
    },
    { signal },
  );
  const looped = withNotices(runner, executor, {
    strategy,
    signal,
    onDelivered: (notices, d) => {
      for (const n of notices) deliver(n.jobId, n.endedAt, d.sentAt, d.via);
    },
    onWake: (wake) => emit({ type: 'wake', at: runtime.now(), turn, ...wake }),
  });

  let final: BetaMessage | undefined;
  let stopReason: AgentStopReason | undefined;
  const stopWatching = new AbortController();
  watchJobs(executor, emit, stopWatching.signal);
  try {
    for await (const item of looped) {
      const message = 'finalMessage' in item ? await item.finalMessage() : item;
      for (const jobId of shown) deliver(jobId, executor.get(jobId).endedAt, turnAt, 'tool_result');
      shown = [];
      const turnUsage = usageOf(message.usage as Usage);
      const turnCost = costOf(turnUsage, price);
      usage.push({ turn, ...turnUsage, costUsd: turnCost });
      totalUsage = addUsage(totalUsage, turnUsage);
      emit({ type: 'usage', at: runtime.now(), turn, usage: turnUsage, costUsd: turnCost });
      emit({
        type: 'turn_end',
        at: runtime.now(),
        turn,
        stopReason: message.stop_reason as Message['stop_reason'],
        durationMs: runtime.now() - turnAt,
      });
      final = message;
    }
  } catch (error) {
    if (!signal.aborted) {
      emit({ type: 'error', at: runtime.now(), turn, message: error instanceof Error ? error.message : String(error), error });
      throw error;
    }
    stopReason = 'aborted';
  } finally {
    stopWatching.abort();
  }
  stopReason ??= STOP_REASONS[final?.stop_reason ?? ''] ?? 'end_turn';
  const result: AgentResult = {
    stopReason,
    messages: runner.params.messages as MessageParam[],
    turns: turn,
    usage,
    totalUsage,
    costUsd: costOf(totalUsage, price),
    price,
    events,
    finalText: (final?.content ?? []).flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n'),
    runningJobs: executor
      .list()
      .filter((j) => !isFinalState(j.state))
      .map((j) => j.id),
  };
  emit({ type: 'done', at: runtime.now(), stopReason, turns: turn });
  return result;
};
