/**
 * A strategy (`@bgtasks/strategies`) inside the AI SDK's own loop. `prepareStep` asks the strategy
 * for the notices to show (`beforeRequest`: inject leases the pending ones) and places them in the
 * step's messages; `onStepFinish` reports the step's request succeeded (`afterSuccess`: ack); a
 * step that never finished (the request failed for good, the call was aborted) is reported failed
 * (`afterFailure`: release), so its notices ride the next request. Each notice reaches the model
 * exactly once. `endTurn()` is the strategy's answer when the model ended its turn (inject: wait
 * for the next notice, then go on: the wake-up).
 *
 * The AI SDK sends what `prepareStep` returns for that step only: the next step starts again
 * from the call's messages plus the responses. So this object keeps the messages as the model
 * saw them and carries them from step to step, and `history()` hands them back after the call
 * (with the notices where the model read them) for the next call.
 */
import type { Executor, Notice } from '@bgtasks/core';
import {
  type EndTurnDecision,
  type NoticeBatch,
  runningJobs,
  type Strategy,
  type StrategyContext,
  type StrategyName,
  strategyFor,
} from '@bgtasks/strategies';
import type { ModelMessage } from 'ai';
import { type CallMessages, messagesOfCall } from './call-messages.ts';
import { NoticeHistoryError } from './errors.ts';
import { type NoticePlacement, placeNotices } from './place-notices.ts';

/** Options of {@link withNotices}. */
export interface WithNoticesOptions {
  /**
   * Whose notices are delivered and what happens when the model ends its turn. Default
   * `'inject'`; pass `injectStrategy({ wakeTimeoutMs, coalesceMs, consumer })` to tune it. With
   * `poll` or `block` no notice is pushed and `endTurn()` stops (or nudges, as configured).
   */
  strategy?: StrategyName | Strategy;
  /** Called when a step's request carried notices and succeeded: they reached the model. */
  onDelivered?: (delivery: NoticeDelivery) => void;
}

/** Notices that reached the model with one step's request. */
export interface NoticeDelivery {
  readonly notices: readonly Notice[];
  readonly placement: NoticePlacement;
  /** The step of the `generateText`/`streamText` call. */
  readonly stepNumber: number;
}

/** What the AI SDK passes `prepareStep` that this adapter reads. */
export interface PrepareStepInput {
  stepNumber: number;
  messages: ModelMessage[];
  /** `ai` 7: the call's own messages (its `messages` carry the last step's override forward). */
  initialMessages?: ModelMessage[];
  /** `ai` 7: what the steps so far produced. */
  responseMessages?: readonly ModelMessage[];
}

/** Options of {@link BgNotices.endTurn}. */
export interface EndTurnOptions {
  /** Stops a wait with `AbortedError`. */
  signal?: AbortSignal;
  /** Model calls the caller may still make; 0 makes a strategy that would go on stop with `max_turns`. Default Infinity. */
  turnsLeft?: number;
}

/** The hooks and state of one conversation's notice delivery; see {@link withNotices}. */
export interface BgNotices {
  /** The strategy driven. */
  readonly strategy: Strategy;
  /** Pass as `prepareStep` of `generateText`/`streamText`. */
  readonly prepareStep: (input: PrepareStepInput) => Promise<{ messages: ModelMessage[] }>;
  /**
   * Pass as `onStepFinish`: the step's request succeeded, so its notices are acked. (`history()`
   * acks the last step's notices too, so a caller that uses it cannot get them twice.)
   */
  readonly onStepFinish: () => Promise<void>;
  /**
   * The conversation as the model saw it at the end of the last call: its messages with the
   * notices in place, then the messages the call produced. Give it the last call's result (`ai`
   * 7: the `generateText` result, or `{ responseMessages: await result.responseMessages }` for
   * `streamText`; `ai` 6: `result.response`, or `await result.response`) and use it as the next
   * call's `messages`.
   */
  history(call: CallMessages): ModelMessage[];
  /** Releases the notices of a step that will not finish (after catching the call's error). */
  abandon(): Promise<void>;
  /**
   * After a call failed: releases the notices of the step that failed and returns the
   * conversation up to that step (the steps that succeeded included, with their notices), to
   * call again from. The released notices ride that next call's first request.
   */
  rollback(): Promise<ModelMessage[]>;
  /**
   * The model ended its turn: the strategy's decision. Inject stops when no job runs and no notice
   * waits; otherwise it waits for the next notice (or its wake timeout, then `say` tells the model
   * what still runs) and answers `continue`: call the model again with `history()` (plus `say` as
   * a user message), and the first step places the notices as a user message (the wake-up).
   */
  endTurn(options?: EndTurnOptions): Promise<EndTurnDecision>;
  /** Ids of jobs still queued or running. */
  running(): string[];
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * Delivers ended-job notices into an AI SDK loop, the way a strategy says (inject by default).
 * One per conversation: its calls must run one after another.
 * @example
 * const notices = withNotices(executor);
 * const result = await generateText({
 *   model,
 *   tools: bgTools(executor, { strategy: 'inject' }),
 *   stopWhen: stepCountIs(50),
 *   prepareStep: notices.prepareStep,
 *   onStepFinish: notices.onStepFinish,
 *   prompt: 'Build and test.',
 * });
 * const messages = notices.history(result);
 */
export function withNotices(executor: Executor, options: WithNoticesOptions = {}): BgNotices {
  const strategy = strategyFor(options.strategy ?? 'inject');
  const context: StrategyContext = { executor, signal: NEVER_ABORTED };
  // The step in flight: the strategy's batch, and where its notices went.
  let inFlight: { batch: NoticeBatch; placement: NoticePlacement; stepNumber: number } | undefined;
  // What the model was sent at the latest step, and how many of the SDK's messages it covers.
  let sent: ModelMessage[] | undefined;
  // The latest step's messages before its notices were placed: where a failed call resumes.
  let base: ModelMessage[] = [];
  let sentCovers = 0;
  let callMessages = 0;

  // Settles the step in flight at once (so no later hook sees it open) and chains the strategy's
  // ack or release, which a durable bus may take time over; the next hook awaits the chain.
  let settling: Promise<void> = Promise.resolve();
  const settle = (delivered: boolean): Promise<void> => {
    const step = inFlight;
    inFlight = undefined;
    if (!step) return settling;
    settling = settling.then(async () => {
      if (!delivered) return strategy.afterFailure(step.batch, context);
      await strategy.afterSuccess(step.batch, context);
      if (step.batch.notices.length > 0) {
        options.onDelivered?.({ notices: step.batch.notices, placement: step.placement, stepNumber: step.stepNumber });
      }
    });
    // Whoever awaits next sees a failure; until then it is not an unhandled rejection.
    settling.catch(() => {});
    return settling;
  };

  return {
    strategy,
    async prepareStep(input) {
      const { stepNumber } = input;
      // The call's messages plus what its steps produced, without the notices placed before:
      // `ai` 6 passes exactly that; `ai` 7 carries the last override forward, so rebuild it.
      const messages =
        input.initialMessages && input.responseMessages ? [...input.initialMessages, ...input.responseMessages] : input.messages;
      // A step still open at step 0 belongs to a call that failed before its step finished;
      // at a later step, reaching it proves the previous request succeeded.
      await settle(stepNumber > 0);
      if (stepNumber === 0) callMessages = messages.length;
      base = stepNumber > 0 && sent ? [...sent, ...messages.slice(sentCovers)] : [...messages];
      const batch = await strategy.beforeRequest(context);
      const placed = placeNotices(base, batch.notices);
      inFlight = { batch, placement: placed.placement, stepNumber };
      sent = placed.messages;
      sentCovers = messages.length;
      return { messages: placed.messages };
    },
    onStepFinish: () => settle(true),
    history(call) {
      const produced = messagesOfCall(call);
      // A response means the call's last request succeeded, even if onStepFinish was not passed.
      void settle(true);
      if (!sent)
        throw new NoticeHistoryError('history() needs a finished call whose prepareStep was this withNotices().prepareStep');
      const known = sentCovers - callMessages;
      if (produced.length < known) {
        throw new NoticeHistoryError(
          `history() got ${produced.length} response messages, but the last call had already sent ${known}; pass the last call's result (with ai 7 its responseMessages: its response.messages holds the last step only)`,
        );
      }
      return [...sent, ...produced.slice(known)];
    },
    abandon: () => settle(false),
    async rollback() {
      await settle(false);
      return [...base];
    },
    async endTurn(endOptions = {}) {
      await settling;
      return strategy.onEndTurn({
        executor,
        signal: endOptions.signal ?? NEVER_ABORTED,
        turnsLeft: endOptions.turnsLeft ?? Infinity,
      });
    },
    running: () => runningJobs(executor),
  };
}
