import type { ContentBlock, MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { Executor } from '@bgtasks/core';
import type { ToolSet } from '@bgtasks/polling';
import type { AgentEvent } from '../events.ts';

/** What {@link runTools} needs from the loop. */
export interface ToolTurn {
  tools: ToolSet;
  executor: Executor;
  turn: number;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  /** Jobs the executor has that no event has reported yet. */
  newJobs: () => readonly { id: string; spec: { command: string } }[];
}

const CUT_OFF = {
  text: 'your reply hit max_tokens before this tool call was complete, so it did not run; call the tool again',
  isError: true,
} as const;

/**
 * Runs the `tool_use` blocks of a reply in order and answers them in one user message. A reply cut
 * off by max_tokens gets an error for every call instead (its input may be incomplete).
 * Returns that message and the jobs whose end the results show the model.
 */
export async function runTools(
  content: readonly ContentBlock[],
  cutOff: boolean,
  t: ToolTurn,
): Promise<{ message: MessageParam; endedJobs: string[] }> {
  const results: ToolResultBlockParam[] = [];
  const endedJobs: string[] = [];
  const now = () => t.executor.runtime.now();
  for (const block of content) {
    if (block.type !== 'tool_use') continue;
    const startedAt = now();
    const outcome = cutOff ? CUT_OFF : await t.tools.handle(block.name, block.input, t.signal);
    const at = now();
    const { text, isError } = outcome;
    t.emit({
      type: 'tool_call',
      at,
      turn: t.turn,
      toolUseId: block.id,
      name: block.name,
      input: block.input,
      isError,
      text,
      durationMs: at - startedAt,
    });
    if ('endedJobs' in outcome) endedJobs.push(...(outcome.endedJobs ?? []));
    // Job starts come from the executor, whatever submitted them.
    for (const job of t.newJobs()) t.emit({ type: 'job_started', at, turn: t.turn, jobId: job.id, command: job.spec.command });
    results.push({ type: 'tool_result', tool_use_id: block.id, content: text, ...(isError ? { is_error: true } : {}) });
  }
  return { message: { role: 'user', content: results }, endedJobs };
}
