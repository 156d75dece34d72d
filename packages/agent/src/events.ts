/**
 * What the agent loop reports as it runs, for the CLI, a transcript writer and the benchmark.
 * Every event carries `at`, the reading of `executor.runtime.now()` (ms) when it happened.
 */
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { FinalJobState } from '@bgtasks/core';
import type { WakeReason } from '@bgtasks/inject';
import type { TokenUsage } from './usage.ts';

/** How a notice reached the model. */
export type NoticeVia = 'injected' | 'wake' | 'tool_result';

export type AgentEvent =
  /** A model request is about to be sent (turn numbers start at 1). */
  | { type: 'turn'; at: number; turn: number }
  /** The model answered. */
  | { type: 'turn_end'; at: number; turn: number; stopReason: Message['stop_reason']; durationMs: number }
  /** A tool ran; `text` is what went back to the model. */
  | {
      type: 'tool_call';
      at: number;
      turn: number;
      toolUseId: string;
      name: string;
      input: unknown;
      isError: boolean;
      text: string;
      durationMs: number;
    }
  | { type: 'job_started'; at: number; turn: number; jobId: string; command: string }
  | { type: 'job_ended'; at: number; jobId: string; state: FinalJobState; exitCode: number | null; durationMs: number }
  /**
   * A job's end reached the model: `latencyMs` = when the request carrying it was sent minus the
   * job's `endedAt`. Emitted once per job, when that request succeeded.
   */
  | { type: 'notice_delivered'; at: number; turn: number; jobId: string; latencyMs: number; via: NoticeVia }
  | { type: 'usage'; at: number; turn: number; usage: TokenUsage; costUsd: number | null }
  /** The model ended its turn while jobs ran (inject): the loop waited and wakes it. */
  | { type: 'wake'; at: number; turn: number; reason: WakeReason; waitedMs: number; running: readonly string[] }
  /** A model request failed for good (after the SDK's retries). */
  | { type: 'error'; at: number; turn: number; message: string; error: unknown }
  | { type: 'done'; at: number; stopReason: string; turns: number };

/** The `type` of an {@link AgentEvent}. */
export type AgentEventType = AgentEvent['type'];
