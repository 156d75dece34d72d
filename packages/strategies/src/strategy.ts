/**
 * A strategy: how the model learns that background work ended. Every adapter (the own loop of
 * `@bgtasks/agent`, the Anthropic SDK's tool runner, the AI SDK, the MCP server) drives the same
 * object at the same four points of its loop, so block, poll and inject behave alike everywhere:
 *
 * 1. `tools(executor)`: the tools the model gets;
 * 2. `beforeRequest`: the notices to show the model with the next request (leased, not yet
 *    delivered); the adapter places them in its own message format;
 * 3. `afterSuccess` / `afterFailure`: the request carrying them succeeded (ack) or failed for good
 *    (release, so they ride the next request);
 * 4. `onEndTurn`: the model ended its turn: stop, or go on (after a wait, with something to say).
 *
 * A strategy object holds no per-run state: leases travel in the {@link NoticeBatch}, delivery
 * state lives in the executor's bus, so one object may serve many runs.
 */
import { type Executor, isFinalState, type Lease, type Notice } from '@bgtasks/core';
import type { WakeReason } from '@bgtasks/inject';
import type { ToolSet } from '@bgtasks/polling';

/** The names of the built-in strategies (what `--notify` and `strategy: '...'` accept). */
export type StrategyName = 'block' | 'poll' | 'inject';

/** What every hook of a {@link Strategy} gets. */
export interface StrategyContext {
  readonly executor: Executor;
  /** The run's signal: a hook that waits stops with `AbortedError` when it aborts. */
  readonly signal: AbortSignal;
}

/** What {@link Strategy.onEndTurn} gets. */
export interface EndTurnContext extends StrategyContext {
  /** Model requests the run may still make (`Infinity` when the loop sets no limit). */
  readonly turnsLeft: number;
}

/**
 * The notices a strategy hands one model request. The adapter shows them to the model with that
 * request, then settles the batch exactly once: {@link Strategy.afterSuccess} or {@link Strategy.afterFailure}.
 */
export interface NoticeBatch {
  /** Notices the model has not seen yet, in completion order; empty for block and poll. */
  readonly notices: readonly Notice[];
  /** The bus lease holding them until the request settles. */
  readonly lease?: Lease;
}

/** What the wait behind a wake-up came to. */
export interface Wake {
  reason: WakeReason;
  /** How long the strategy waited, ms on the executor's clock. */
  waitedMs: number;
  /** Jobs still queued or running when it woke. */
  running: readonly string[];
}

/** What {@link Strategy.onEndTurn} decided. */
export type EndTurnDecision =
  /** The run is over; `max_turns` when it would have gone on but `turnsLeft` was 0. */
  | { readonly action: 'stop'; readonly reason?: 'max_turns' }
  /**
   * Send another request: after a wake-up (`wake`), with `say` as a user message of its own when
   * given. Notices to show arrive through the next {@link Strategy.beforeRequest}.
   */
  | { readonly action: 'continue'; readonly say?: string; readonly wake?: Wake };

/**
 * How the model learns that background work ended. Build one with `blockStrategy()`,
 * `pollStrategy()` or `injectStrategy()`, or write your own.
 * @example
 * // A poll strategy that also offers the foreground bash.
 * const mine: Strategy = {
 *   ...pollStrategy(),
 *   name: 'poll+bash',
 *   tools: (executor) => createToolSet([...pollingTools(executor).tools, bashTool(executor)]),
 * };
 */
export interface Strategy {
  /** Shown in logs and summaries. */
  readonly name: string;
  /** The tools the model gets. */
  tools(executor: Executor): ToolSet;
  /** Called before each model request: the notices to show with it. */
  beforeRequest(context: StrategyContext): NoticeBatch | Promise<NoticeBatch>;
  /** The request carrying `batch` succeeded: its notices are delivered. */
  afterSuccess(batch: NoticeBatch, context: StrategyContext): void | Promise<void>;
  /** The request carrying `batch` failed for good: its notices must ride the next request. */
  afterFailure(batch: NoticeBatch, context: StrategyContext): void | Promise<void>;
  /** The model ended its turn (`end_turn` or `stop_sequence`): stop, or go on. */
  onEndTurn(context: EndTurnContext): Promise<EndTurnDecision>;
}

/** Ids of the executor's jobs still queued or running. */
export function runningJobs(executor: Executor): string[] {
  return executor
    .list()
    .filter((j) => !isFinalState(j.state))
    .map((j) => j.id);
}
