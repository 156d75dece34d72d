/**
 * `--loop ai-sdk`: the Vercel AI SDK's own loop, `generateText` (`streamText` with `--stream`)
 * through `@ai-sdk/anthropic`, with the tools of `bgTools`, the hooks of `withNotices` and the
 * wake-up as its docs write it (`@bgtasks/ai-sdk`). The loop is the SDK's; this file only watches
 * it to report the same events and result as `runAgent`.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { type AgentEvent, type AgentStopReason, DEFAULT_MAX_TURNS } from '@bgtasks/agent';
import { bgTools, withNotices } from '@bgtasks/ai-sdk';
import type { ToolOutcome } from '@bgtasks/polling';
import { strategyFor } from '@bgtasks/strategies';
import { type FinishReason, generateText, type ModelMessage, type StepResult, streamText, type Tool } from 'ai';
import type { AgentLoop } from './loop.ts';
import { LoopRecord } from './loop-record.ts';

/** The AI SDK's finish reasons as the Messages API's stop reasons, for `turn_end` events. */
const STOP_REASONS: Record<FinishReason, Extract<AgentEvent, { type: 'turn_end' }>['stopReason']> = {
  stop: 'end_turn',
  'tool-calls': 'tool_use',
  length: 'max_tokens',
  'content-filter': 'refusal',
  error: null,
  other: null,
};

/** A step as the Messages API answer `RunRecorder.answered` reads (usage by kind, text, stop reason). */
function answerOf(step: StepResult<Record<string, Tool>>) {
  const { usage } = step;
  return {
    usage: {
      input_tokens: usage.inputTokenDetails.noCacheTokens ?? usage.inputTokens ?? 0,
      cache_creation_input_tokens: usage.inputTokenDetails.cacheWriteTokens ?? 0,
      cache_read_input_tokens: usage.inputTokenDetails.cacheReadTokens ?? 0,
      output_tokens: usage.outputTokens ?? 0,
    },
    content: step.content.filter((part) => part.type === 'text'),
    stop_reason: STOP_REASONS[step.finishReason],
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

export const runAiSdkLoop: AgentLoop = async (input) => {
  const { executor, signal, endpoint } = input;
  const runtime = executor.runtime;
  const maxTurns = input.maxTurns ?? DEFAULT_MAX_TURNS;
  const book = new LoopRecord(input);
  const { record } = book;
  const model = createAnthropic({
    apiKey: endpoint.apiKey,
    // The Anthropic SDK's base URL has no /v1; the AI SDK provider's has.
    ...(endpoint.baseURL ? { baseURL: `${endpoint.baseURL}/v1` } : {}),
    ...(endpoint.fetch ? { fetch: endpoint.fetch } : {}),
  })(input.model);
  const strategy = strategyFor(input.strategy);
  const notices = withNotices(executor, {
    strategy,
    onDelivered: (d) => {
      const via = d.placement === 'wake' ? 'wake' : 'injected';
      for (const n of d.notices) record.deliver(n.jobId, n.endedAt, record.sentAt, via);
    },
  });

  // Poll and block: the jobs whose end the tool results of the request in flight showed.
  let carried: string[] = [];
  const tools: Record<string, Tool> = {};
  for (const [name, tool] of Object.entries(bgTools(executor, { strategy }))) {
    tools[name] = {
      ...tool,
      execute: async (toolInput: unknown, execution: Parameters<NonNullable<typeof tool.execute>>[1]) => {
        const startedAt = runtime.now();
        const outcome = (await tool.execute?.(toolInput, execution)) as ToolOutcome;
        const at = runtime.now();
        book.toolCall({
          at,
          toolUseId: execution.toolCallId,
          name,
          input: toolInput,
          isError: outcome.isError,
          text: outcome.text,
          durationMs: at - startedAt,
          ...(outcome.endedJobs ? { endedJobs: outcome.endedJobs } : {}),
        });
        return outcome;
      },
    } as Tool;
  }

  const prepareStep = async (step: { stepNumber: number; messages: ModelMessage[] }) => {
    record.startTurn();
    carried = book.takeShown();
    const { messages } = await notices.prepareStep(step);
    return { messages: withCacheBreakpoint(messages) };
  };
  const onStepFinish = async (step: StepResult<Record<string, Tool>>) => {
    await notices.onStepFinish();
    book.delivered(carried);
    carried = [];
    record.answered(answerOf(step));
  };
  const call = async (messages: ModelMessage[]) => {
    const settings = {
      model,
      tools,
      messages,
      abortSignal: signal,
      maxRetries: endpoint.maxRetries,
      stopWhen: () => record.turn >= maxTurns,
      prepareStep,
      onStepFinish,
    };
    if (!input.stream) return generateText(settings);
    let failure: unknown;
    const result = streamText({ ...settings, onError: ({ error }) => void (failure = error) });
    await result.consumeStream();
    if (failure !== undefined) throw failure;
    return { finishReason: await result.finishReason, response: await result.response };
  };

  // The wake-up loop of docs/ai-sdk.md: call, keep the history as the model saw it, ask the strategy.
  let messages: ModelMessage[] = [{ role: 'user', content: input.prompt }];
  const stopReason = await book.run(
    async (): Promise<AgentStopReason | undefined> => {
      for (;;) {
        const result = await call(messages);
        messages = notices.history(result.response);
        if (result.finishReason === 'length') return 'max_tokens';
        if (result.finishReason === 'content-filter') return 'refusal';
        if (result.finishReason === 'tool-calls') return 'max_turns';
        const decision = await notices.endTurn({ signal, turnsLeft: maxTurns - record.turn });
        if (decision.action === 'stop') return decision.reason ?? 'end_turn';
        if (decision.wake) record.emit({ type: 'wake', at: runtime.now(), turn: record.turn, ...decision.wake });
        if (decision.say) messages = [...messages, { role: 'user', content: [{ type: 'text', text: decision.say }] }];
      }
    },
    () => notices.abandon(),
  );
  // The transcript gets the conversation in the AI SDK's own message format.
  return record.done(stopReason, messages as unknown as MessageParam[]);
};
