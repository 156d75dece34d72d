/**
 * What a run reports, whichever loop drives it: its events, the usage and cost of each turn, each
 * notice delivered once, and the {@link AgentResult}. `runAgent` keeps one; a loop of your own (the
 * SDK's tool runner, the AI SDK) can keep one too and report exactly the same things.
 */
import type { ContentBlock, MessageParam, Usage } from '@anthropic-ai/sdk/resources/messages';
import { type Executor, isFinalState } from '@bgtasks/core';
import type { AgentEvent, NoticeVia } from './events.ts';
import type { ModelPrice } from './prices.ts';
import { addUsage, costOf, emptyUsage, type TokenUsage, type TurnUsage, usageOf } from './usage.ts';

/** Why a run ended. */
export type AgentStopReason =
  | 'end_turn'
  | 'stop_sequence'
  | 'max_tokens'
  | 'max_turns'
  | 'refusal'
  | 'aborted'
  /** Only in `ModelRequestError.partial`: a request failed after the SDK's retries. */
  | 'error';

/** What a run resolves with (`runAgent`, and the CLI's other loops). */
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

/** The text blocks of an answer, joined. */
export function textOf(content: readonly { type: string; text?: string }[]): string {
  return content
    .filter((b) => b.type === 'text')
    .map((b) => (b as Extract<ContentBlock, { type: 'text' }>).text)
    .join('\n\n');
}

/**
 * Records one run.
 * @example
 * const record = new RunRecorder(executor, priceFor(model), onEvent);
 * record.startTurn(); // a request leaves
 * record.answered(message); // it came back
 * return record.result('end_turn', messages);
 */
export class RunRecorder {
  readonly executor: Executor;
  readonly price: ModelPrice | undefined;
  readonly events: AgentEvent[] = [];
  readonly usage: TurnUsage[] = [];
  totalUsage: TokenUsage = emptyUsage();
  /** The current turn (model request), from 1. */
  turn = 0;
  /** When the current turn's request was sent. */
  sentAt = 0;
  finalText = '';
  readonly #delivered = new Set<string>();
  readonly #onEvent: ((event: AgentEvent) => void) | undefined;

  constructor(executor: Executor, price: ModelPrice | undefined, onEvent?: (event: AgentEvent) => void) {
    this.executor = executor;
    this.price = price;
    this.#onEvent = onEvent;
  }

  /** Records an event and passes it on. */
  emit(event: AgentEvent): void {
    this.events.push(event);
    this.#onEvent?.(event);
  }

  get #now(): number {
    return this.executor.runtime.now();
  }

  /** A request is about to be sent: the next turn. */
  startTurn(): void {
    this.turn++;
    this.sentAt = this.#now;
    this.emit({ type: 'turn', at: this.sentAt, turn: this.turn });
  }

  /**
   * The request that showed the model job `jobId`'s end succeeded (sent at `sentAt`): emits
   * `notice_delivered`, once per job whatever showed it.
   */
  deliver(jobId: string, endedAt: number | undefined, sentAt: number, via: NoticeVia): void {
    if (this.#delivered.has(jobId) || endedAt === undefined) return;
    this.#delivered.add(jobId);
    this.emit({ type: 'notice_delivered', at: this.#now, turn: this.turn, jobId, latencyMs: sentAt - endedAt, via });
  }

  /** The current turn's answer arrived: accounts its usage and cost, emits `usage` and `turn_end`. */
  answered(message: { usage: unknown; content: readonly { type: string }[]; stop_reason: unknown }): void {
    const turnUsage = usageOf(message.usage as Usage);
    const costUsd = costOf(turnUsage, this.price);
    this.usage.push({ turn: this.turn, ...turnUsage, costUsd });
    this.totalUsage = addUsage(this.totalUsage, turnUsage);
    this.emit({ type: 'usage', at: this.#now, turn: this.turn, usage: turnUsage, costUsd });
    this.finalText = textOf(message.content);
    const stopReason = message.stop_reason as Extract<AgentEvent, { type: 'turn_end' }>['stopReason'];
    this.emit({ type: 'turn_end', at: this.#now, turn: this.turn, stopReason, durationMs: this.#now - this.sentAt });
  }

  /** The run's result so far. */
  result(stopReason: AgentStopReason | undefined, messages: MessageParam[]): AgentResult {
    return {
      stopReason: stopReason ?? 'aborted',
      messages,
      turns: this.turn,
      usage: this.usage,
      totalUsage: this.totalUsage,
      costUsd: costOf(this.totalUsage, this.price),
      price: this.price,
      events: this.events,
      finalText: this.finalText,
      runningJobs: this.executor
        .list()
        .filter((j) => !isFinalState(j.state))
        .map((j) => j.id),
    };
  }

  /** Emits `done` and returns the result. */
  done(stopReason: AgentStopReason | undefined, messages: MessageParam[]): AgentResult {
    const result = this.result(stopReason, messages);
    this.emit({ type: 'done', at: this.#now, stopReason: result.stopReason, turns: this.turn });
    return result;
  }
}
