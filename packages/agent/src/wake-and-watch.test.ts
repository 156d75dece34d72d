// runAgent with wakeTimeoutMs: Infinity waits for the next notice instead of waking the model in
// a hot loop; two job watchers on one executor each see every job end (virtual time).
import Anthropic from '@anthropic-ai/sdk';
import { BackgroundExecutor, InvalidDurationError } from '@bgtasks/core';
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from './events.ts';
import { watchJobs } from './job-events.ts';
import { runAgent } from './run-agent.ts';
import { assistantMessage, createScriptedFetch, textBlock, toolUseBlock } from './testing/index.ts';

describe('wakeTimeoutMs', () => {
  it('Infinity waits past the 2^31-1 ms timer limit for the job to end: three requests, no hot loop', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime, { defaultTimeoutMs: Number.POSITIVE_INFINITY });
    const steps = [
      assistantMessage([toolUseBlock('tu_1', 'bg_bash', { command: 'sleep 3000000', id: 'month' })]),
      assistantMessage([textBlock('waiting for it')]),
      assistantMessage([textBlock('done')]),
    ];
    const fetch = createScriptedFetch(async (_request, index) => {
      const step = steps[index];
      if (!step) throw new Error(`request ${index + 1}: the model was woken in a loop`);
      return step;
    });
    const client = new Anthropic({ apiKey: 'test', fetch: fetch.fetch, maxRetries: 0 });
    const events: AgentEvent[] = [];
    const result = await runAgent({
      client,
      model: 'claude-sonnet-4-6',
      strategy: 'inject',
      executor,
      prompt: 'go',
      wakeTimeoutMs: Number.POSITIVE_INFINITY,
      onEvent: (e) => events.push(e),
    });
    await executor.close();
    expect(fetch.requests).toHaveLength(3);
    expect(result.stopReason).toBe('end_turn');
    const wakes = events.filter((e) => e.type === 'wake');
    expect(wakes).toMatchObject([{ reason: 'notice' }]);
    // Woken by the job's end, 3e9 ms (34.7 days) after it started: past the timer limit.
    expect(wakes[0]?.type === 'wake' && wakes[0].waitedMs).toBeGreaterThan(2 ** 31);
  });

  it.each([Number.NaN, 0, -1])('%s is refused before any request is made', async (wakeTimeoutMs) => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const fetch = createScriptedFetch(async () => assistantMessage([textBlock('hi')]));
    const client = new Anthropic({ apiKey: 'test', fetch: fetch.fetch, maxRetries: 0 });
    await expect(
      runAgent({ client, model: 'claude-sonnet-4-6', strategy: 'inject', executor, prompt: 'go', wakeTimeoutMs }),
    ).rejects.toSatisfy(InvalidDurationError.isInstance);
    expect(fetch.requests).toHaveLength(0);
    await executor.close();
  });
});

describe('watchJobs', () => {
  it('two watchers on one executor each see every job end (no shared consumer splitting events)', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const seen: [string[], string[]] = [[], []];
    const stop = new AbortController();
    watchJobs(executor, (e) => e.type === 'job_ended' && seen[0].push(e.jobId), stop.signal);
    watchJobs(executor, (e) => e.type === 'job_ended' && seen[1].push(e.jobId), stop.signal);
    const ids = ['a', 'b', 'c'].map((id) => executor.submit({ command: 'sleep 1', id }).id);
    await executor.wait(ids);
    await runtime.sleep(1);
    expect(seen).toEqual([ids, ids]);
    stop.abort();
    await executor.close();
  });
});
