// End to end: 500 jobs ending in bursts while every third model request fails. Every notice must
// reach the model exactly once, in completion order, as seen in the request bodies themselves;
// nothing may reach it after the bus is closed.
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { BackgroundExecutor } from '@bgtasks/core';
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { describe, expect, it } from 'vitest';
import { type AgentEvent, type AgentResult, ModelRequestError, runAgent } from './index.ts';
import {
  assistantMessage,
  createScriptedFetch,
  noticeIdsIn,
  type ScriptReply,
  textBlock,
  toolUseBlock,
} from './testing/index.ts';

const JOBS = 500;
const LATE_JOBS = 3;
const THINK_MS = 700;

const jobId = (i: number): string => `j${String(i).padStart(3, '0')}`;

/**
 * `loop`: maxRetries 0, so each failure reaches the agent loop, which throws ModelRequestError;
 * the driver starts the next run on the same executor. `sdk`: maxRetries 2, so the SDK retries
 * each failed attempt with the same body.
 */
async function play(mode: 'loop' | 'sdk') {
  const runtime = createVirtualRuntime();
  const executor = new BackgroundExecutor(runtime, { maxConcurrent: JOBS + LATE_JOBS });
  // Ten jobs end together every second for 50 s; a few late ones outlive the close.
  const start = assistantMessage([
    ...Array.from({ length: JOBS }, (_, i) =>
      toolUseBlock(`tu_${i}`, 'bg_bash', { command: `sleep ${1 + Math.floor(i / 10)}`, id: jobId(i) }),
    ),
    ...Array.from({ length: LATE_JOBS }, (_, i) =>
      toolUseBlock(`tu_late_${i}`, 'bg_bash', { command: 'sleep 10000', id: `late${i}` }),
    ),
  ]);
  let started = false;
  let turn = 0;
  const outcome: Array<'ok' | 'failed'> = [];
  const scripted = createScriptedFetch(async (_request, index): Promise<ScriptReply> => {
    if (index % 3 === 2) {
      outcome[index] = 'failed';
      return { status: index % 2 === 0 ? 500 : 529, message: 'injected failure' };
    }
    await runtime.sleep(THINK_MS);
    outcome[index] = 'ok';
    if (!started) {
      started = true;
      return start;
    }
    // Alternate: a tool call (notices ride its tool_result) and end_turn (notices come as a wake-up).
    turn++;
    return turn % 2 === 1
      ? assistantMessage([toolUseBlock(`tu_o${turn}`, 'bg_output', { id: jobId(0), limit: 1 })])
      : assistantMessage([textBlock('waiting')]);
  });
  const client = new Anthropic({ apiKey: 'test', fetch: scripted.fetch, maxRetries: mode === 'loop' ? 0 : 2 });

  const events: AgentEvent[] = [];
  let deliveredEvents = 0;
  let requestsAtClose: number | undefined;
  let closing: Promise<void> | undefined;
  const onEvent = (e: AgentEvent): void => {
    events.push(e);
    if (e.type !== 'notice_delivered' || !e.jobId.startsWith('j')) return;
    if (++deliveredEvents === JOBS) {
      // The host shuts down while the late jobs still run: their notices must never reach the model.
      requestsAtClose = scripted.requests.length;
      executor.bus.close();
      closing = executor.close();
    }
  };

  let runs = 0;
  let modelErrors = 0;
  let result: AgentResult | undefined;
  while (!result && runs < 1_000) {
    runs++;
    try {
      result = await runAgent({
        client,
        model: 'claude-sonnet-4-6',
        strategy: 'inject',
        executor,
        prompt: runs === 1 ? 'Start the jobs.' : 'Continue.',
        maxTurns: 10_000,
        coalesceMs: 0,
        onEvent,
      });
    } catch (error) {
      if (!ModelRequestError.isInstance(error)) throw error;
      modelErrors++;
    }
  }
  await closing;
  await executor.close();
  return { executor, requests: scripted.requests, outcome, events, runs, modelErrors, result, requestsAtClose };
}

describe('notice delivery end to end, with every third model request failing', () => {
  it.each(['loop', 'sdk'] as const)(
    '%s: 500 notices reach the model exactly once, in completion order, and none after close',
    async (mode) => {
      const { executor, requests, outcome, events, runs, modelErrors, result, requestsAtClose } = await play(mode);
      const ok = requests.filter((_, i) => outcome[i] === 'ok');
      const failed = requests.filter((_, i) => outcome[i] === 'failed');
      // What the model received: the notices new in each successful request sit in its last message.
      const delivered = ok.flatMap((r) => noticeIdsIn(r.body.messages.at(-1)));
      const completionOrder = executor.bus
        .history()
        .map((n) => n.jobId)
        .filter((id) => id.startsWith('j'));
      expect(completionOrder).toHaveLength(JOBS);
      expect(delivered).toEqual(completionOrder);
      expect(new Set(delivered).size).toBe(JOBS);
      // No request ever shows the model a notice twice, history included.
      for (const r of ok) {
        const all = noticeIdsIn(r.body.messages as MessageParam[]);
        expect(new Set(all).size).toBe(all.length);
      }
      // A failed request's notices ride the next successful one.
      requests.forEach((r, i) => {
        if (outcome[i] !== 'failed') return;
        const next = requests.slice(i + 1).find((_, k) => outcome[i + 1 + k] === 'ok');
        for (const id of noticeIdsIn(r.body.messages.at(-1))) expect(noticeIdsIn(next?.body.messages.at(-1))).toContain(id);
      });
      // Nothing after close: the late jobs were killed and their notices never sent.
      expect(requestsAtClose).toBeDefined();
      expect(requests.slice(requestsAtClose).flatMap((r) => noticeIdsIn(r.body.messages.at(-1)))).toEqual([]);
      expect(
        executor
          .list()
          .filter((j) => j.id.startsWith('late'))
          .map((j) => j.state),
      ).toEqual(['killed', 'killed', 'killed']);
      expect(requests.flatMap((r) => noticeIdsIn(r.body.messages))).not.toContain('late0');
      expect(events.filter((e) => e.type === 'notice_delivered').map((e) => e.type === 'notice_delivered' && e.jobId)).toEqual(
        completionOrder,
      );
      expect(failed.length).toBe(Math.floor(requests.length / 3));
      expect(failed.length).toBeGreaterThan(20);
      if (mode === 'loop') expect(modelErrors).toBe(failed.length);
      else expect(modelErrors).toBe(0);
      expect(result?.stopReason).toBe('aborted');
      console.log(
        `delivery (${mode}): ${delivered.length}/${JOBS} notices delivered once in order; ${requests.length} requests, ` +
          `${ok.length} ok, ${failed.length} failures injected, ${modelErrors} reached the loop, ${runs} runs`,
      );
    },
  );
});
