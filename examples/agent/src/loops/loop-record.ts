/**
 * The bookkeeping every framework's loop shares: the run's recorder and its events (tool calls,
 * jobs started, jobs' ends shown by tool results and delivered once the request carrying them
 * succeeds, errors), so that `--loop ai-sdk` and `--loop tool-runner` report like `runAgent`.
 */
import type { AgentEvent, AgentStopReason } from '@bgtasks/agent';
import { newJobsOf, PRICES, priceFor, RunRecorder, watchJobs } from '@bgtasks/agent';
import type { LoopInput } from './loop.ts';

/** A tool call as a framework reports it once it has ended: its `tool_call` event, less the turn. */
export type EndedCall = Omit<Extract<AgentEvent, { type: 'tool_call' }>, 'type' | 'turn'> & {
  /** Jobs whose end the call's result shows the model. */
  endedJobs?: readonly string[];
};

/** A loop's recorder with the events and deliveries the framework loops share. */
export class LoopRecord {
  readonly record: RunRecorder;
  readonly #input: LoopInput;
  readonly #newJobs: () => ReturnType<ReturnType<typeof newJobsOf>>;
  /** Jobs whose end tool results have shown; delivered once the request carrying them succeeds. */
  #shown: string[] = [];

  constructor(input: LoopInput) {
    this.#input = input;
    this.record = new RunRecorder(input.executor, priceFor(input.model, PRICES), input.onEvent);
    this.#newJobs = newJobsOf(input.executor);
  }

  /** Emits a `tool_call` event, then `job_started` for each job it started; remembers the ends it shows. */
  toolCall(call: EndedCall): void {
    const { at, endedJobs, ...rest } = call;
    const turn = this.record.turn;
    this.record.emit({ type: 'tool_call', at, turn, ...rest });
    for (const job of this.#newJobs()) {
      this.record.emit({ type: 'job_started', at, turn, jobId: job.id, command: job.spec.command });
    }
    this.#shown.push(...(endedJobs ?? []));
  }

  /** The job ends shown since the last call: the request about to leave carries them. */
  takeShown(): string[] {
    const shown = this.#shown;
    this.#shown = [];
    return shown;
  }

  /** The request carrying `jobIds` (from {@link takeShown}) succeeded: they are delivered. */
  delivered(jobIds: readonly string[]): void {
    for (const jobId of jobIds) {
      this.record.deliver(jobId, this.#input.executor.get(jobId).endedAt, this.record.sentAt, 'tool_result');
    }
  }

  /**
   * Runs `body` with the jobs' events watched; an error is emitted and thrown (after
   * `onError`), unless the run was aborted: then the stop reason is `aborted`.
   */
  async run(
    body: () => Promise<AgentStopReason | undefined>,
    onError?: () => Promise<void>,
  ): Promise<AgentStopReason | undefined> {
    const { executor, signal } = this.#input;
    const stopWatching = new AbortController();
    watchJobs(executor, (event) => this.record.emit(event), stopWatching.signal);
    try {
      return await body();
    } catch (error) {
      await onError?.();
      if (!signal.aborted) {
        const message = error instanceof Error ? error.message : String(error);
        this.record.emit({ type: 'error', at: executor.runtime.now(), turn: this.record.turn, message, error });
        throw error;
      }
      return 'aborted';
    } finally {
      stopWatching.abort();
    }
  }
}
