/**
 * `withNotices(runner, executor)`: the SDK's own tool runner, with ended-job notices delivered the
 * way a {@link Strategy} says (inject by default). The runner keeps its loop; this wrapper acts only
 * where the runner lets a caller act, between two requests in the body of its loop:
 *
 * - before the first request, and after each reply that calls tools (the results are made with the
 *   runner's own `generateToolResponse()`), it leases the pending notices and places them in the
 *   message the runner sends next (`setMessagesParams`);
 * - when the next request succeeds the lease is acked; when it fails for good it is released and
 *   the notices are taken out of the runner's history again, so a retried run carries them once;
 * - when the model ends its turn, the strategy decides: stop (the runner ends), or wait for the
 *   next notice and go on with a wake-up user message.
 *
 * A loop body that changes the runner's messages itself turns the wrapper off for that turn: the
 * notices then ride the next request it prepares.
 */
import type { BetaMessageStream } from '@anthropic-ai/sdk/lib/BetaMessageStream';
import type { BetaToolRunner } from '@anthropic-ai/sdk/lib/tools/BetaToolRunner';
import type { BetaMessage, BetaMessageParam } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { Executor, Notice } from '@bgtasks/core';
import { injectNotices, type NoticePlacement } from '@bgtasks/inject';
import {
  type InjectStrategyOptions,
  type NoticeBatch,
  type Strategy,
  type StrategyContext,
  type StrategyName,
  strategyFor,
  type Wake,
} from '@bgtasks/strategies';

/** What the runner yields: a message, or a message stream when it streams. */
export type RunnerItem<Stream extends boolean> = BetaToolRunner<Stream> extends AsyncIterable<infer T> ? T : never;

/** How a batch of notices reached the model. */
export interface Delivery {
  /** `injected`: in the last tool_result (or user message) of a request; `wake`: as a wake-up user message. */
  via: 'injected' | 'wake';
  /** When the request carrying them was sent, on the executor's clock. */
  sentAt: number;
}

/** Options of {@link withNotices}. */
export interface WithNoticesOptions extends InjectStrategyOptions {
  /** The strategy to drive; default `inject` (with the inject options beside it). Give `bgTools` the same one. */
  strategy?: StrategyName | Strategy;
  /** Stops a wait for a wake-up (the runner's own requests take their signal from the runner's options). */
  signal?: AbortSignal;
  /** Called once per batch of notices, when the request carrying them succeeded. */
  onDelivered?: (notices: readonly Notice[], delivery: Delivery) => void;
  /** Called when the model was woken after it ended its turn with jobs running. */
  onWake?: (wake: Wake) => void;
}

/** Notices placed in the request the runner sends next, until that request settles. */
interface Placed {
  batch: NoticeBatch;
  /** The messages as they were before the notices were placed. */
  base: BetaMessageParam[];
  placement: NoticePlacement;
  sentAt: number;
  /** Acked or released already: a batch is settled once. */
  settled: boolean;
}

function isStream(item: BetaMessage | BetaMessageStream): item is BetaMessageStream {
  return typeof (item as Partial<BetaMessageStream>).finalMessage === 'function';
}

/** True when both lists hold the very same message objects: the loop body did not touch them. */
function untouched(a: readonly BetaMessageParam[], b: readonly BetaMessageParam[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}

/** A tool runner that delivers notices; iterate it or call `runUntilDone()` as you would the runner. */
export class NoticeRunner<Stream extends boolean> implements AsyncIterable<RunnerItem<Stream>> {
  /** The SDK's runner underneath (for `params`, `setRequestOptions`, ...). */
  readonly runner: BetaToolRunner<Stream>;
  readonly executor: Executor;
  readonly strategy: Strategy;
  readonly #options: WithNoticesOptions;
  readonly #context: StrategyContext;
  /** Requests the runner was asked to send, across iterations (for `max_iterations`). */
  #requests = 0;
  #consumed = false;

  constructor(runner: BetaToolRunner<Stream>, executor: Executor, options: WithNoticesOptions = {}) {
    this.runner = runner;
    this.executor = executor;
    this.#options = options;
    this.strategy = strategyFor(options.strategy ?? 'inject', options);
    this.#context = { executor, signal: options.signal ?? new AbortController().signal };
  }

  /** Runs the loop to the end and resolves with the final message, like the runner's `runUntilDone()`. */
  async runUntilDone(): Promise<BetaMessage> {
    if (!this.#consumed) {
      for await (const _ of this) {
        // Each step is driven by the iteration itself.
      }
    }
    return this.runner.done();
  }

  /** Resolves with the final message once the loop has ended (see the runner's `done()`). */
  done(): Promise<BetaMessage> {
    return this.runner.done();
  }

  [Symbol.asyncIterator](): AsyncIterator<RunnerItem<Stream>> {
    return this.#drive();
  }

  async *#drive(): AsyncGenerator<RunnerItem<Stream>, void, undefined> {
    this.#consumed = true;
    const inner = this.runner[Symbol.asyncIterator]() as AsyncIterator<BetaMessage | BetaMessageStream>;
    // Jobs may have ended before the first request (or before a retried run): they ride it.
    let placed: Placed | undefined = await this.#place(this.runner.params.messages);
    /** The stream being read, settling its batch when it completes. */
    let streaming: Promise<unknown> | undefined;
    let finished = false;
    try {
      for (;;) {
        let step: IteratorResult<BetaMessage | BetaMessageStream>;
        try {
          step = await inner.next();
        } catch (error) {
          // The request failed for good (after the SDK's retries), or the runner stopped on an error.
          this.#requests++;
          this.#consumed = false;
          if (placed) await this.#fail(placed, true);
          placed = undefined;
          finished = true;
          throw error;
        }
        if (step.done) {
          finished = true;
          // The runner ended (max_iterations) before sending what was prepared.
          if (placed) await this.#fail(placed, true);
          placed = undefined;
          return;
        }
        this.#requests++;
        const item = step.value;
        const before = this.runner.params.messages;
        let message: BetaMessage;
        if (isStream(item)) {
          // Acked as soon as the stream completes, while the loop body may still be reading it.
          const pending = placed;
          const completed = item.finalMessage().then(
            async (m) => {
              if (pending) await this.#succeed(pending);
              return m;
            },
            () => undefined,
          );
          streaming = completed;
          yield item as RunnerItem<Stream>;
          const m = await completed;
          streaming = undefined;
          // A failed stream is settled when the runner reports it (next step): only then is its
          // history ours to fix.
          if (!m) continue;
          message = m;
        } else {
          message = item;
          if (placed) await this.#succeed(placed);
          placed = undefined;
          yield item as RunnerItem<Stream>;
        }
        placed = undefined;
        if (!untouched(before, this.runner.params.messages)) continue;
        placed = await this.#next(message, before);
      }
    } finally {
      // The caller left the loop early: the runner stops (aborting a stream), then what never
      // completed goes back; a stream that did complete was acked.
      if (!finished) await inner.return?.();
      await streaming;
      if (placed) await this.#fail(placed, false);
    }
  }

  /** After a successful reply the loop body left alone: prepares what the runner sends next. */
  async #next(message: BetaMessage, before: BetaMessageParam[]): Promise<Placed | undefined> {
    const reply: BetaMessageParam = { role: 'assistant', content: message.content };
    if (message.stop_reason === 'tool_use') {
      // The runner's own tool execution; the result is cached, so the runner does not run them again.
      const results = await this.runner.generateToolResponse();
      return results ? this.#place([...before, reply, results]) : undefined;
    }
    if (message.stop_reason !== 'end_turn' && message.stop_reason !== 'stop_sequence') return undefined;
    const max = this.runner.params.max_iterations;
    const turnsLeft = max ? max - this.#requests : Number.POSITIVE_INFINITY;
    const decision = await this.strategy.onEndTurn({ ...this.#context, turnsLeft });
    if (decision.action === 'stop') return undefined;
    if (decision.wake) this.#options.onWake?.(decision.wake);
    const say: BetaMessageParam[] = decision.say ? [{ role: 'user', content: [{ type: 'text', text: decision.say }] }] : [];
    return this.#place([...before, reply, ...say]);
  }

  /** Leases the strategy's notices and makes `base`, with them placed, the runner's next messages. */
  async #place(base: BetaMessageParam[]): Promise<Placed> {
    const batch = await this.strategy.beforeRequest(this.#context);
    // Placement only touches the last user message (or appends one), which a beta message shares
    // with a plain one.
    const injected = injectNotices(base as MessageParam[], batch.notices);
    const messages = injected.messages as BetaMessageParam[];
    this.runner.setMessagesParams((params) => ({ ...params, messages }));
    return { batch, base, placement: injected.placement, sentAt: this.executor.runtime.now(), settled: false };
  }

  async #succeed(placed: Placed): Promise<void> {
    if (placed.settled) return;
    placed.settled = true;
    await this.strategy.afterSuccess(placed.batch, this.#context);
    if (placed.batch.notices.length === 0) return;
    const via = placed.placement === 'wake' ? 'wake' : 'injected';
    this.#options.onDelivered?.(placed.batch.notices, { via, sentAt: placed.sentAt });
  }

  /** The request never succeeded: release the notices, and take them out of the runner's history. */
  async #fail(placed: Placed, restore: boolean): Promise<void> {
    if (placed.settled) return;
    placed.settled = true;
    await this.strategy.afterFailure(placed.batch, this.#context);
    if (restore && placed.batch.notices.length > 0) {
      this.runner.setMessagesParams((params) => ({ ...params, messages: placed.base }));
    }
  }
}

/**
 * Makes a tool runner deliver ended-job notices the inject way: every request carries the notices
 * pending when it is made (in the last tool_result, acked when the request succeeds, released and
 * taken out again when it fails), and a model that ends its turn while jobs run gets a wake-up
 * with the next notices. `runUntilDone()` resolves when the model ends its turn with no job left
 * (past `wakeTimeoutMs` without news the model is told what still runs, and decides). Each notice
 * reaches the model exactly once. Create the runner with `thread: false` when the endpoint speaks
 * only the plain Messages API (the simulated model, proxies).
 * @example
 * const runner = client.beta.messages.toolRunner({
 *   model: 'claude-sonnet-4-6', max_tokens: 4096, thread: false,
 *   tools: bgTools(executor), messages: [{ role: 'user', content: 'Build and test this repo.' }],
 * });
 * const final = await withNotices(runner, executor).runUntilDone();
 */
export function withNotices<Stream extends boolean>(
  runner: BetaToolRunner<Stream>,
  executor: Executor,
  options: WithNoticesOptions = {},
): NoticeRunner<Stream> {
  return new NoticeRunner(runner, executor, options);
}
