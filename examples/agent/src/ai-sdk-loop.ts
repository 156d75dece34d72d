/**
 * `--loop ai-sdk`: the same agent inside the Vercel AI SDK's own loop (`generateText` or
 * `streamText` with `@bgtasks/ai-sdk`'s tools and `withNotices`), reporting the same events as
 * `runAgent`, so the live view, the transcript and the summary do not know which loop ran.
 */
import { type AgentEvent, addUsage, costOf, emptyUsage, priceFor, type StrategyName, type TokenUsage } from '@bgtasks/agent';
import { bgTools, withNotices } from '@bgtasks/ai-sdk';
import { AbortedError, type Executor } from '@bgtasks/core';
import type { ToolOutcome } from '@bgtasks/polling';
import {
  type FinishReason,
  generateText,
  type LanguageModel,
  type LanguageModelUsage,
  type ModelMessage,
  type StepResult,
  streamText,
  type Tool,
} from 'ai';

/** Options of {@link runAiSdkLoop}. */
export interface AiSdkLoopOptions {
  /** The AI SDK model, e.g. `createAnthropic(...)('claude-sonnet-4-6')`. */
  model: LanguageModel;
  /** Its id, for the price table. */
  modelId: string;
  strategy: StrategyName;
  executor: Executor;
  prompt: string;
  /** Most model requests in all. */
  maxTurns: number;
  stream: boolean;
  signal: AbortSignal;
  onEvent: (event: AgentEvent) => void;
}

/** What the summary and the transcript read (the shape of `runAgent`'s result). */
export interface AiSdkLoopResult {
  stopReason: 'end_turn' | 'max_turns' | 'max_tokens' | 'aborted' | 'refusal';
  messages: ModelMessage[];
  turns: number;
  totalUsage: TokenUsage;
  costUsd: number | null;
  finalText: string;
}

/** The AI SDK's finish reasons as the Messages API's stop reasons, for `turn_end` events. */
const STOP_REASONS: Record<FinishReason, Extract<AgentEvent, { type: 'turn_end' }>['stopReason']> = {
  stop: 'end_turn',
  'tool-calls': 'tool_use',
  length: 'max_tokens',
  'content-filter': 'refusal',
  error: null,
  other: null,
};

/** The AI SDK's usage in the kinds the summary counts (Anthropic's input, cache write, cache read, output). */
function tokenUsage(usage: LanguageModelUsage): TokenUsage {
  return {
    input: usage.inputTokenDetails.noCacheTokens ?? usage.inputTokens ?? 0,
    cacheCreation: usage.inputTokenDetails.cacheWriteTokens ?? 0,
    cacheRead: usage.inputTokenDetails.cacheReadTokens ?? 0,
    output: usage.outputTokens ?? 0,
  };
}

/**
 * The messages with a prompt-cache breakpoint on the last one, as `runAgent` sets it, so both
 * loops pay the same for the same conversation. Only this step's copy is marked.
 */
function withCacheBreakpoint(messages: ModelMessage[]): ModelMessage[] {
  const last = messages.at(-1);
  if (!last) return messages;
  const anthropic = { ...(last.providerOptions?.anthropic ?? {}), cacheControl: { type: 'ephemeral' } };
  return [...messages.slice(0, -1), { ...last, providerOptions: { ...last.providerOptions, anthropic } } as ModelMessage];
}

/** Emits `job_ended` for every job that ends until `signal` aborts, as the own loop does. */
function watchJobEnds(executor: Executor, emit: (event: AgentEvent) => void, signal: AbortSignal): void {
  const consumer = executor.bus.consumer('bgtasks.cli.ai-sdk.events', { from: 'now' });
  void (async () => {
    for (;;) {
      const n = await consumer.next(signal);
      emit({
        type: 'job_ended',
        at: executor.runtime.now(),
        jobId: n.jobId,
        state: n.state,
        exitCode: n.exitCode,
        durationMs: n.durationMs,
      });
    }
  })().catch(() => {
    // Aborted at the end of the run, or the bus closed.
  });
}

/** Runs the agent in the AI SDK's loop; rejects with the SDK's error when a request fails for good. */
export async function runAiSdkLoop(options: AiSdkLoopOptions): Promise<AiSdkLoopResult> {
  const { executor, onEvent: emit, signal } = options;
  const now = (): number => executor.runtime.now();
  const price = priceFor(options.modelId);
  let turn = 0;
  let turnStartedAt = 0;
  let totalUsage = emptyUsage();
  let costUsd: number | null = price ? 0 : null;
  let finalText = '';
  const shown = new Set<string>();
  // Poll and block: jobs whose end a tool result showed, delivered with the next request.
  let endedInResults: string[] = [];
  let carried: string[] = [];

  const delivered = (jobId: string, via: 'injected' | 'wake' | 'tool_result'): void => {
    if (shown.has(jobId)) return;
    shown.add(jobId);
    const endedAt = executor.get(jobId).endedAt ?? turnStartedAt;
    emit({ type: 'notice_delivered', at: now(), turn, jobId, latencyMs: Math.max(0, turnStartedAt - endedAt), via });
  };
  const notices = withNotices(executor, {
    strategy: options.strategy,
    onDelivered: (d) => {
      for (const n of d.notices) delivered(n.jobId, d.placement === 'wake' ? 'wake' : 'injected');
    },
  });

  // The tools, timed and reported like runAgent's tool_call and job_started events.
  const tools: Record<string, Tool> = {};
  for (const [name, tool] of Object.entries(bgTools(executor, { strategy: options.strategy }))) {
    tools[name] = {
      ...tool,
      execute: async (input: unknown, execution: Parameters<NonNullable<typeof tool.execute>>[1]) => {
        const startedAt = now();
        const outcome = (await tool.execute?.(input, execution)) as ToolOutcome;
        emit({
          type: 'tool_call',
          at: now(),
          turn,
          toolUseId: execution.toolCallId,
          name,
          input,
          isError: outcome.isError,
          text: outcome.text,
          durationMs: now() - startedAt,
        });
        for (const jobId of outcome.startedJobs ?? []) {
          emit({ type: 'job_started', at: now(), turn, jobId, command: executor.get(jobId).spec.command });
        }
        endedInResults.push(...(outcome.endedJobs ?? []));
        return outcome;
      },
    } as Tool;
  }

  const prepareStep = async (input: { stepNumber: number; messages: ModelMessage[] }) => {
    turn++;
    turnStartedAt = now();
    emit({ type: 'turn', at: turnStartedAt, turn });
    carried = endedInResults;
    endedInResults = [];
    const { messages } = await notices.prepareStep(input);
    return { messages: withCacheBreakpoint(messages) };
  };
  const onStepFinish = async (step: StepResult<Record<string, Tool>>) => {
    await notices.onStepFinish();
    for (const jobId of carried) delivered(jobId, 'tool_result');
    carried = [];
    const usage = tokenUsage(step.usage);
    const cost = costOf(usage, price);
    totalUsage = addUsage(totalUsage, usage);
    costUsd = costUsd === null || cost === null ? null : costUsd + cost;
    emit({ type: 'usage', at: now(), turn, usage, costUsd: cost });
    emit({ type: 'turn_end', at: now(), turn, stopReason: STOP_REASONS[step.finishReason], durationMs: now() - turnStartedAt });
    const text = step.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
    if (text) finalText = text;
  };

  const call = async (messages: ModelMessage[]) => {
    const settings = {
      model: options.model,
      tools,
      messages,
      abortSignal: signal,
      maxRetries: 2,
      stopWhen: () => turn >= options.maxTurns,
      prepareStep,
      onStepFinish,
    };
    if (!options.stream) return generateText(settings);
    let failure: unknown;
    const result = streamText({ ...settings, onError: ({ error }) => void (failure = error) });
    await result.consumeStream();
    if (failure !== undefined) throw failure;
    return { finishReason: await result.finishReason, response: await result.response };
  };

  let messages: ModelMessage[] = [{ role: 'user', content: options.prompt }];
  let stopReason: AiSdkLoopResult['stopReason'] = 'end_turn';
  const stopWatching = new AbortController();
  watchJobEnds(executor, emit, stopWatching.signal);
  try {
    for (;;) {
      const result = await call(messages);
      messages = notices.history(result.response);
      if (result.finishReason === 'length') stopReason = 'max_tokens';
      else if (result.finishReason === 'content-filter') stopReason = 'refusal';
      else if (turn >= options.maxTurns && result.finishReason === 'tool-calls') stopReason = 'max_turns';
      if (stopReason !== 'end_turn') break;
      // The model ended its turn: the strategy says stop or go on (inject: after the wake-up wait).
      const decision = await notices.endTurn({ signal, turnsLeft: options.maxTurns - turn });
      if (decision.action === 'stop') {
        if (decision.reason === 'max_turns') stopReason = 'max_turns';
        break;
      }
      if (decision.wake) emit({ type: 'wake', at: now(), turn, ...decision.wake });
      if (decision.say) messages = [...messages, { role: 'user', content: [{ type: 'text', text: decision.say }] }];
    }
  } catch (error) {
    await notices.abandon();
    if (!signal.aborted && !AbortedError.isInstance(error)) {
      emit({ type: 'error', at: now(), turn, message: error instanceof Error ? error.message : String(error), error });
      throw error;
    }
    stopReason = 'aborted';
  } finally {
    stopWatching.abort();
  }
  emit({ type: 'done', at: now(), stopReason, turns: turn });
  return { stopReason, messages, turns: turn, totalUsage, costUsd, finalText };
}
