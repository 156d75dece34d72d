/**
 * The inject strategy inside the AI SDK's own loop. `prepareStep` leases the pending notices and
 * places them in the step's messages; `onStepFinish` acks them once the step's request succeeded;
 * a lease whose step never finished (the request failed for good, the call was aborted) is
 * released, so its notices ride the next request. Each notice reaches the model exactly once.
 *
 * The AI SDK sends what `prepareStep` returns for that step only: the next step starts again
 * from the call's messages plus the responses. So this object keeps the messages as the model
 * saw them and carries them from step to step, and `history()` hands them back after the call
 * (with the notices where the model read them) for the next call.
 */
import type { Executor, Lease, Notice, NoticeConsumer } from '@bgtasks/core';
import { NoticeInjector, type WakeReason } from '@bgtasks/inject';
import { liveJobIds } from '@bgtasks/polling';
import type { ModelMessage } from 'ai';
import { NoticeHistoryError } from './errors.ts';
import { type NoticePlacement, placeNotices } from './place-notices.ts';

/** Options of {@link withNotices}. */
export interface WithNoticesOptions {
  /** The bus consumer notices are leased from. Default `'ai-sdk'`. */
  consumer?: string;
  /**
   * After the first notice of a wake-up arrives, wait this long for others so jobs that end
   * together arrive together. Default 20 ms.
   */
  coalesceMs?: number;
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
}

/** Why {@link BgNotices.wait} returned: a notice is pending, the deadline passed, or nothing runs. */
export type WaitReason = WakeReason | 'idle';

/** Options of {@link BgNotices.wait}. */
export interface NoticeWaitOptions {
  /** Give up after this long. Default 30 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Default of {@link NoticeWaitOptions.timeoutMs}: 30 minutes. */
export const DEFAULT_WAKE_TIMEOUT_MS = 30 * 60_000;

/** The hooks and state of one conversation's notice delivery; see {@link withNotices}. */
export interface BgNotices {
  /** Pass as `prepareStep` of `generateText`/`streamText`. */
  readonly prepareStep: (input: PrepareStepInput) => Promise<{ messages: ModelMessage[] }>;
  /**
   * Pass as `onStepFinish`: the step's request succeeded, so its notices are acked. (`history()`
   * acks the last step's notices too, so a caller that uses it cannot get them twice.)
   */
  readonly onStepFinish: () => Promise<void>;
  /**
   * The conversation as the model saw it at the end of the last call: its messages with the
   * notices in place, then `response.messages`. Give it the last call's `response` (for
   * `streamText`, `await result.response`) and use it as the next call's `messages`.
   */
  history(response: { messages: readonly ModelMessage[] }): ModelMessage[];
  /** Releases the notices of a step that will not finish (after catching the call's error). */
  abandon(): Promise<void>;
  /**
   * After a call failed: releases the notices of the step that failed and returns the
   * conversation up to that step (the steps that succeeded included, with their notices), to
   * call again from. The released notices ride that next call's first request.
   */
  rollback(): Promise<ModelMessage[]>;
  /**
   * Waits while jobs run for the next notice (`'notice'`) or `timeoutMs` (`'timeout'`);
   * `'idle'` at once when no job runs and no notice waits. After `'notice'`, the next call's
   * first step places the notices as a user message (the wake-up), if its messages end with the
   * model's turn.
   */
  wait(options?: NoticeWaitOptions): Promise<WaitReason>;
  /** Ids of jobs still queued or running. */
  running(): string[];
  /** The bus consumer notices are taken from. */
  readonly consumer: NoticeConsumer;
}

/**
 * Delivers ended-job notices into an AI SDK loop the inject way. One per conversation: its
 * calls must run one after another.
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
 * const messages = notices.history(result.response);
 */
export function withNotices(executor: Executor, options: WithNoticesOptions = {}): BgNotices {
  const consumer = executor.bus.consumer(options.consumer ?? 'ai-sdk');
  const injector = new NoticeInjector(consumer, executor.runtime, {
    ...(options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs }),
  });
  // The step in flight: its lease, and what it sent.
  let inFlight: { lease: Lease; placement: NoticePlacement; stepNumber: number } | undefined;
  // What the model was sent at the latest step, and how many of the SDK's messages it covers.
  let sent: ModelMessage[] | undefined;
  // The latest step's messages before its notices were placed: where a failed call resumes.
  let base: ModelMessage[] = [];
  let sentCovers = 0;
  let callMessages = 0;

  // Settles the step in flight at once (so no later hook sees it open) and chains the ack or
  // release, which a durable bus may take time over; the next hook awaits the chain.
  let settling: Promise<void> = Promise.resolve();
  const settle = (delivered: boolean): Promise<void> => {
    const step = inFlight;
    inFlight = undefined;
    if (!step) return settling;
    settling = settling.then(async () => {
      if (!delivered) return consumer.release(step.lease);
      await consumer.ack(step.lease);
      options.onDelivered?.({ notices: step.lease.notices, placement: step.placement, stepNumber: step.stepNumber });
    });
    // Whoever awaits next sees a failure; until then it is not an unhandled rejection.
    settling.catch(() => {});
    return settling;
  };

  return {
    consumer,
    async prepareStep({ stepNumber, messages }) {
      // A lease still open at step 0 belongs to a call that failed before its step finished;
      // at a later step, reaching it proves the previous request succeeded.
      await settle(stepNumber > 0);
      if (stepNumber === 0) callMessages = messages.length;
      base = stepNumber > 0 && sent ? [...sent, ...messages.slice(sentCovers)] : [...messages];
      const lease = consumer.lease();
      const placed = placeNotices(base, lease.notices);
      if (lease.notices.length > 0) inFlight = { lease, placement: placed.placement, stepNumber };
      else await consumer.ack(lease);
      sent = placed.messages;
      sentCovers = messages.length;
      return { messages: placed.messages };
    },
    onStepFinish: () => settle(true),
    history(response) {
      // A response means the call's last request succeeded, even if onStepFinish was not passed.
      void settle(true);
      if (!sent)
        throw new NoticeHistoryError('history() needs a finished call whose prepareStep was this withNotices().prepareStep');
      const known = sentCovers - callMessages;
      if (response.messages.length < known) {
        throw new NoticeHistoryError(
          `history() got ${response.messages.length} response messages, but the last call had already sent ${known}; pass the response of the last call`,
        );
      }
      return [...sent, ...response.messages.slice(known)];
    },
    abandon: () => settle(false),
    async rollback() {
      await settle(false);
      return [...base];
    },
    async wait(waitOptions = {}) {
      await settling;
      if (liveJobIds(executor).length === 0 && consumer.pending().length === 0) return 'idle';
      return injector.waitForWake(waitOptions.timeoutMs ?? DEFAULT_WAKE_TIMEOUT_MS, waitOptions.signal);
    },
    running: () => liveJobIds(executor),
  };
}
