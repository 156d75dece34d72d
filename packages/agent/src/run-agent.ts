/**
 * The agent loop over `@anthropic-ai/sdk`: send the history, run the tools the model calls. How
 * the model learns about background jobs is the strategy's business (see `@bgtasks/strategies`):
 * the loop asks it for the notices to place before each request, settles them after, and asks it
 * what to do when the model ends its turn. It never looks at the strategy's name.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { AbortedError, type Executor, isFinalNotice } from '@bgtasks/core';
import { injectNotices } from '@bgtasks/inject';
import type { ToolSet } from '@bgtasks/polling';
import {
  type InjectStrategyOptions,
  type Strategy,
  type StrategyContext,
  type StrategyName,
  strategyFor,
} from '@bgtasks/strategies';
import { cachedMessages, cachedSystem, cachedTools } from './cache-breakpoints.ts';
import { ModelRequestError } from './errors.ts';
import type { AgentEvent, NoticeVia } from './events.ts';
import { callModel } from './internal/call-model.ts';
import { runTools } from './internal/run-tools.ts';
import { newJobsOf, watchJobs } from './job-events.ts';
import { type ModelPrice, PRICES, priceFor } from './prices.ts';
import { type AgentResult, type AgentStopReason, RunRecorder } from './run-recorder.ts';

/** Default of {@link RunAgentOptions.maxTurns}. */
export const DEFAULT_MAX_TURNS = 50;
/** Default of {@link RunAgentOptions.maxTokens}. */
export const DEFAULT_MAX_TOKENS = 4_096;

/** Options of {@link runAgent} (besides the strategy). */
export interface AgentLoopOptions {
  /** `new Anthropic({ apiKey, fetch, baseURL, maxRetries })`; retries are the SDK's. */
  client: Anthropic;
  model: string;
  executor: Executor;
  /** The first user message. */
  prompt: string | Exclude<MessageParam['content'], string>;
  system?: string;
  /** Most model requests in the run. Default 50. */
  maxTurns?: number;
  /** `max_tokens` of each request. Default 4096. */
  maxTokens?: number;
  /** Stream each response (`client.messages.stream`) instead of `messages.create`. */
  stream?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
  /** Tools to offer instead of the strategy's own (`strategy.tools(executor)`). */
  tools?: ToolSet;
  /** Price table for the cost; {@link PRICES} by default. */
  prices?: readonly ModelPrice[];
}

/**
 * Options of {@link runAgent}. `strategy` is a `Strategy` object (`blockStrategy()`,
 * `pollStrategy()`, `injectStrategy(options)`, or your own) or a name; with the name `'inject'` the
 * inject options (`wakeTimeoutMs`, `coalesceMs`, `consumer`) may sit beside it, as before.
 */
export type RunAgentOptions = AgentLoopOptions &
  ({ strategy: Strategy | Exclude<StrategyName, 'inject'> } | ({ strategy: 'inject' } & InjectStrategyOptions));

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Runs the agent until the strategy says the run is over after the model ended its turn (inject:
 * no job left to wait for; poll, block: at once), `maxTurns` requests were made, or `signal`
 * aborts. Rejects with {@link ModelRequestError} when a request fails after the SDK's retries.
 * @example
 * const client = new Anthropic({ maxRetries: 4 });
 * const result = await runAgent({ client, model: 'claude-sonnet-4-6', strategy: injectStrategy(), executor,
 *   prompt: 'Install, build and test this repo.', onEvent: (e) => console.log(e.type) });
 */
export async function runAgent(options: RunAgentOptions): Promise<AgentResult> {
  const { client, model, executor } = options;
  const strategy = strategyFor(options.strategy, options as InjectStrategyOptions);
  const maxTurns = options.maxTurns ?? DEFAULT_MAX_TURNS;
  const signal = options.signal ?? new AbortController().signal;
  const tools = options.tools ?? strategy.tools(executor);
  const context: StrategyContext = { executor, signal };
  const record = new RunRecorder(executor, priceFor(model, options.prices ?? PRICES), options.onEvent);
  const emit = (event: AgentEvent): void => record.emit(event);
  let history: MessageParam[] = [{ role: 'user', content: options.prompt }];
  /** Jobs whose end the tool results built last show the model; delivered when they are sent. */
  let shownInToolResults: string[] = [];
  let stopReason: AgentStopReason | undefined;

  const newJobs = newJobsOf(executor);
  const stopWatching = new AbortController();
  watchJobs(executor, emit, stopWatching.signal);
  try {
    for (;;) {
      if (signal.aborted) throw new AbortedError();
      if (record.turn >= maxTurns) {
        stopReason = 'max_turns';
        break;
      }
      const batch = await strategy.beforeRequest(context);
      const placed = injectNotices(history, batch.notices);
      const system = cachedSystem(options.system);
      const params: MessageCreateParamsNonStreaming = {
        model,
        max_tokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
        ...(system ? { system } : {}),
        tools: cachedTools(tools.definitions),
        messages: cachedMessages(placed.messages),
      };
      record.startTurn();
      const { turn, sentAt } = record;
      let response: Awaited<ReturnType<typeof callModel>>;
      try {
        response = await callModel(client, params, options.stream ?? false, signal);
      } catch (error) {
        await strategy.afterFailure(batch, context);
        if (signal.aborted) throw new AbortedError('the agent run was aborted', { cause: error });
        const failure = new ModelRequestError(turn, statusOf(error), record.result('error', history), { cause: error });
        emit({ type: 'error', at: executor.runtime.now(), turn, message: failure.message, error });
        throw failure;
      }
      await strategy.afterSuccess(batch, context);
      history = placed.messages;
      const via: NoticeVia = placed.placement === 'wake' ? 'wake' : 'injected';
      // Only a job's end counts as its delivery; ready, progress and input notices ride along.
      for (const n of batch.notices) if (isFinalNotice(n)) record.deliver(n.jobId, n.endedAt, sentAt, via);
      for (const jobId of shownInToolResults) record.deliver(jobId, executor.get(jobId).endedAt, sentAt, 'tool_result');
      shownInToolResults = [];
      record.answered(response);
      history = [...history, { role: 'assistant', content: response.content }];

      const calls = response.content.some((b) => b.type === 'tool_use');
      const reason = response.stop_reason;
      if (reason === 'tool_use' || (reason === 'max_tokens' && calls)) {
        const answered = await runTools(response.content, reason === 'max_tokens', {
          tools,
          executor,
          turn,
          signal,
          emit,
          newJobs,
        });
        history = [...history, answered.message];
        shownInToolResults = answered.endedJobs;
        continue;
      }
      if (reason === 'pause_turn') continue;
      if (reason === 'max_tokens' || reason === 'model_context_window_exceeded') {
        stopReason = 'max_tokens';
        break;
      }
      if (reason === 'refusal') {
        stopReason = 'refusal';
        break;
      }
      // end_turn or stop_sequence: the strategy says whether the run is over.
      const next = await strategy.onEndTurn({ ...context, turnsLeft: maxTurns - turn });
      if (next.action === 'stop') {
        stopReason = next.reason ?? (reason === 'stop_sequence' ? 'stop_sequence' : 'end_turn');
        break;
      }
      if (next.wake) emit({ type: 'wake', at: executor.runtime.now(), turn, ...next.wake });
      if (next.say) history = [...history, { role: 'user', content: [{ type: 'text', text: next.say }] }];
    }
  } catch (error) {
    if (!AbortedError.isInstance(error)) throw error;
    stopReason = 'aborted';
  } finally {
    stopWatching.abort();
  }
  return record.done(stopReason, history);
}
