/**
 * The agent loop over `@anthropic-ai/sdk`: send the history, run the tools the model calls, and,
 * depending on the strategy, let the model learn about background jobs by polling (`poll`),
 * by notices placed in the next tool_result plus a wake-up on `end_turn` (`inject`), or not at
 * all because every command runs in the foreground (`block`).
 */
import type Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlock,
  MessageCreateParamsNonStreaming,
  MessageParam,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { AbortedError, checkDuration, type Executor, isFinalState } from '@bgtasks/core';
import { NoticeInjector } from '@bgtasks/inject';
import type { ToolSet } from '@bgtasks/polling';
import { cachedMessages, cachedSystem, cachedTools } from './cache-breakpoints.ts';
import { ModelRequestError } from './errors.ts';
import type { AgentEvent, NoticeVia } from './events.ts';
import { callModel } from './internal/call-model.ts';
import { watchJobs } from './internal/watch-jobs.ts';
import { type ModelPrice, PRICES, priceFor } from './prices.ts';
import { type Strategy, toolsFor } from './strategy.ts';
import { addUsage, costOf, emptyUsage, type TokenUsage, type TurnUsage, usageOf } from './usage.ts';

/** Default of {@link RunAgentOptions.maxTurns}. */
export const DEFAULT_MAX_TURNS = 50;
/** Default of {@link RunAgentOptions.maxTokens}. */
export const DEFAULT_MAX_TOKENS = 4_096;
/** Default of {@link RunAgentOptions.wakeTimeoutMs}: 30 minutes. */
export const DEFAULT_WAKE_TIMEOUT_MS = 30 * 60_000;

/** Options of {@link runAgent}. */
export interface RunAgentOptions {
  /** `new Anthropic({ apiKey, fetch, baseURL, maxRetries })`; retries are the SDK's. */
  client: Anthropic;
  model: string;
  strategy: Strategy;
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
  /** Tools to offer instead of the strategy's own (see {@link toolsFor}). */
  tools?: ToolSet;
  /** Price table for the cost; {@link PRICES} by default. */
  prices?: readonly ModelPrice[];
  /**
   * inject: longest wait for a notice after `end_turn` before telling the model what still runs;
   * `Infinity` waits without limit. Default 30 minutes.
   */
  wakeTimeoutMs?: number;
  /** inject: see `NoticeInjectorOptions.coalesceMs`. */
  coalesceMs?: number;
  /** inject: the bus consumer notices are leased from. Default `inject`. */
  consumer?: string;
}

/** Why a run ended. */
export type AgentStopReason =
  | 'end_turn'
  | 'stop_sequence'
  | 'max_tokens'
  | 'max_turns'
  | 'refusal'
  | 'aborted'
  /** Only in {@link ModelRequestError.partial}: a request failed after the SDK's retries. */
  | 'error';

/** What {@link runAgent} resolves with. */
export interface AgentResult {
  stopReason: AgentStopReason;
  /** The whole conversation as the model saw it (notices included where they were placed). */
  messages: MessageParam[];
  /** Model requests made. */
  turns: number;
  /** Usage and cost of each turn. */
  usage: TurnUsage[];
  totalUsage: TokenUsage;
  /** US dollars; null when the model is not in the price table. */
  costUsd: number | null;
  price: ModelPrice | undefined;
  events: AgentEvent[];
  /** Text of the model's last answer. */
  finalText: string;
  /** Jobs still queued or running when the run ended (poll: the model may end its turn early). */
  runningJobs: string[];
}

function textOf(content: readonly ContentBlock[]): string {
  return content
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join('\n');
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Runs the agent until the model ends its turn with no job left to wait for (inject), the
 * model ends its turn (poll, block), `maxTurns` requests were made, or `signal` aborts.
 * Rejects with {@link ModelRequestError} when a request fails after the SDK's retries.
 * @example
 * const client = new Anthropic({ maxRetries: 4 });
 * const result = await runAgent({ client, model: 'claude-sonnet-4-6', strategy: 'inject', executor,
 *   prompt: 'Install, build and test this repo.', onEvent: (e) => console.log(e.type) });
 */
export async function runAgent(options: RunAgentOptions): Promise<AgentResult> {
  const { client, model, strategy, executor } = options;
  const maxTurns = options.maxTurns ?? DEFAULT_MAX_TURNS;
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  // Infinity: wait for the next notice without limit. NaN, 0 or negative would wake the model
  // in a hot loop of paid requests, so they are refused.
  const wakeTimeoutMs = checkDuration('wakeTimeoutMs', options.wakeTimeoutMs ?? DEFAULT_WAKE_TIMEOUT_MS, { infinite: true });
  const signal = options.signal ?? new AbortController().signal;
  const runtime = executor.runtime;
  const tools = options.tools ?? toolsFor(strategy, executor);
  const price = priceFor(model, options.prices ?? PRICES);
  const injector =
    strategy === 'inject'
      ? new NoticeInjector(executor.bus.consumer(options.consumer ?? 'inject'), runtime, {
          ...(options.coalesceMs !== undefined ? { coalesceMs: options.coalesceMs } : {}),
        })
      : undefined;

  const events: AgentEvent[] = [];
  const emit = (event: AgentEvent): void => {
    events.push(event);
    options.onEvent?.(event);
  };
  const usage: TurnUsage[] = [];
  let totalUsage = emptyUsage();
  let history: MessageParam[] = [{ role: 'user', content: options.prompt }];
  const delivered = new Set<string>();
  /** Jobs whose end the tool results built last show the model; delivered when they are sent. */
  let shownInToolResults: string[] = [];
  let turn = 0;
  let finalText = '';
  let stopReason: AgentStopReason | undefined;

  const running = (): string[] =>
    executor
      .list()
      .filter((j) => !isFinalState(j.state))
      .map((j) => j.id);
  const result = (): AgentResult => ({
    stopReason: stopReason ?? 'aborted',
    messages: history,
    turns: turn,
    usage,
    totalUsage,
    costUsd: costOf(totalUsage, price),
    price,
    events,
    finalText,
    runningJobs: running(),
  });
  const deliver = (jobId: string, endedAt: number | undefined, sentAt: number, via: NoticeVia): void => {
    if (delivered.has(jobId) || endedAt === undefined) return;
    delivered.add(jobId);
    emit({ type: 'notice_delivered', at: runtime.now(), turn, jobId, latencyMs: sentAt - endedAt, via });
  };

  const runTools = async (content: readonly ContentBlock[], cutOff: boolean): Promise<MessageParam> => {
    const results: ToolResultBlockParam[] = [];
    for (const block of content) {
      if (block.type !== 'tool_use') continue;
      const startedAt = runtime.now();
      const outcome = cutOff
        ? {
            text: 'your reply hit max_tokens before this tool call was complete, so it did not run; call the tool again',
            isError: true,
          }
        : await tools.handle(block.name, block.input, signal);
      const at = runtime.now();
      emit({
        type: 'tool_call',
        at,
        turn,
        toolUseId: block.id,
        name: block.name,
        input: block.input,
        isError: outcome.isError,
        text: outcome.text,
        durationMs: at - startedAt,
      });
      if ('endedJobs' in outcome) shownInToolResults.push(...(outcome.endedJobs ?? []));
      for (const jobId of 'startedJobs' in outcome ? (outcome.startedJobs ?? []) : []) {
        emit({ type: 'job_started', at, turn, jobId, command: executor.get(jobId).spec.command });
      }
      results.push({
        type: 'tool_result',
        tool_use_id: block.id,
        content: outcome.text,
        ...(outcome.isError ? { is_error: true } : {}),
      });
    }
    return { role: 'user', content: results };
  };

  const stopWatching = new AbortController();
  watchJobs(executor, emit, stopWatching.signal);
  try {
    for (;;) {
      if (signal.aborted) throw new AbortedError();
      if (turn >= maxTurns) {
        stopReason = 'max_turns';
        break;
      }
      turn++;
      const prepared = injector?.prepare(history);
      const messages = prepared?.messages ?? history;
      const system = cachedSystem(options.system);
      const params: MessageCreateParamsNonStreaming = {
        model,
        max_tokens: maxTokens,
        ...(system ? { system } : {}),
        tools: cachedTools(tools.definitions),
        messages: cachedMessages(messages),
      };
      const sentAt = runtime.now();
      emit({ type: 'turn', at: sentAt, turn });
      let response: Awaited<ReturnType<typeof callModel>>;
      try {
        response = await callModel(client, params, options.stream ?? false, signal);
      } catch (error) {
        if (prepared) await injector?.abandon(prepared);
        if (signal.aborted) throw new AbortedError('the agent run was aborted', { cause: error });
        stopReason = 'error';
        const failure = new ModelRequestError(turn, statusOf(error), result(), { cause: error });
        emit({ type: 'error', at: runtime.now(), turn, message: failure.message, error });
        throw failure;
      }
      if (prepared && injector) {
        history = await injector.commit(prepared);
        const via: NoticeVia = prepared.placement === 'wake' ? 'wake' : 'injected';
        for (const n of prepared.notices) deliver(n.jobId, n.endedAt, sentAt, via);
      }
      for (const jobId of shownInToolResults) deliver(jobId, executor.get(jobId).endedAt, sentAt, 'tool_result');
      shownInToolResults = [];

      const turnUsage = usageOf(response.usage);
      const turnCost = costOf(turnUsage, price);
      usage.push({ turn, ...turnUsage, costUsd: turnCost });
      totalUsage = addUsage(totalUsage, turnUsage);
      emit({ type: 'usage', at: runtime.now(), turn, usage: turnUsage, costUsd: turnCost });
      history = [...history, { role: 'assistant', content: response.content }];
      finalText = textOf(response.content);
      emit({ type: 'turn_end', at: runtime.now(), turn, stopReason: response.stop_reason, durationMs: runtime.now() - sentAt });

      const calls = response.content.some((b) => b.type === 'tool_use');
      const reason = response.stop_reason;
      if (reason === 'tool_use' || (reason === 'max_tokens' && calls)) {
        history = [...history, await runTools(response.content, reason === 'max_tokens')];
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
      // end_turn or stop_sequence. In inject mode the run is not over while jobs run or notices
      // wait: wait for the next one and wake the model with it.
      const live = running();
      if (injector && (live.length > 0 || injector.pending > 0)) {
        if (turn >= maxTurns) {
          stopReason = 'max_turns';
          break;
        }
        const waitFrom = runtime.now();
        const wake = await injector.waitForWake(wakeTimeoutMs, signal);
        const still = running();
        emit({ type: 'wake', at: runtime.now(), turn, reason: wake, waitedMs: runtime.now() - waitFrom, running: still });
        if (wake === 'timeout') {
          const text = `No background job ended in the last ${Math.round(wakeTimeoutMs / 1000)} s; still running: ${still.join(', ')}. End your turn to keep waiting, or stop a job with bg_kill.`;
          history = [...history, { role: 'user', content: [{ type: 'text', text }] }];
        }
        continue;
      }
      stopReason = reason === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
      break;
    }
  } catch (error) {
    if (!AbortedError.isInstance(error)) throw error;
    stopReason = 'aborted';
  } finally {
    stopWatching.abort();
  }
  const done = result();
  emit({ type: 'done', at: runtime.now(), stopReason: done.stopReason, turns: turn });
  return done;
}
