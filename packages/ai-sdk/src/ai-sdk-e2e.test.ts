// End to end: the AI SDK's own loop (generateText / streamText with @ai-sdk/anthropic) against the
// simulated model over loopback HTTP. What the model received is read from the request bodies.
import { noticeIdsIn } from '@bgtasks/agent/testing';
import { generateText, type ModelMessage, stepCountIs, streamText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { STAGGERED, simSetup } from './fixtures/sim-setup.ts';
import { bgTools, type NoticePlacement, runUntilDone, withNotices } from './index.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

type Setup = Awaited<ReturnType<typeof simSetup>>;

async function setup(...args: Parameters<typeof simSetup>): Promise<Setup> {
  const s = await simSetup(...args);
  closers.push(() => s.close());
  return s;
}

/** One model call through the SDK's loop, streamed or not; rejects when the request fails for good. */
function caller(s: Setup, notices: ReturnType<typeof withNotices>, mode: 'generate' | 'stream', maxRetries: number) {
  const tools = bgTools(s.executor, { strategy: 'inject' });
  const common = {
    model: s.model,
    tools,
    system: 'You run slow commands in the background.',
    stopWhen: stepCountIs(100),
    maxRetries,
    prepareStep: notices.prepareStep,
    onStepFinish: notices.onStepFinish,
  };
  return async (messages: ModelMessage[]) => {
    if (mode === 'generate') return generateText({ ...common, messages });
    let failure: unknown;
    const result = streamText({ ...common, messages, onError: ({ error }) => void (failure = error) });
    await result.consumeStream();
    if (failure !== undefined) throw failure;
    // ai 7 accumulates every step's messages in responseMessages; ai 6 in response.messages.
    const all = (result as { responseMessages?: PromiseLike<ModelMessage[]> }).responseMessages;
    return all ? { responseMessages: await all } : { response: await result.response };
  };
}

/** The notices each answered request showed the model for the first time (they sit in its last message). */
function delivered(s: Setup): string[] {
  return s.requests.filter((r) => !r.failed).flatMap((r) => noticeIdsIn(r.body.messages.at(-1)));
}

function completionOrder(s: Setup): string[] {
  return s.executor.bus.history().map((n) => n.jobId);
}

function expectExactlyOnce(s: Setup): void {
  const order = completionOrder(s);
  expect(order.length).toBe(STAGGERED.jobs.length);
  expect(delivered(s)).toEqual(order);
  const answered = s.requests.filter((r) => !r.failed);
  for (const r of answered) {
    const all = noticeIdsIn(r.body.messages);
    expect(new Set(all).size).toBe(all.length);
  }
  // The conversation keeps every notice where the model read it: the last request shows them all.
  expect(noticeIdsIn(answered.at(-1)?.body.messages)).toEqual(order);
}

describe.each(['generate', 'stream'] as const)('%sText with withNotices and runUntilDone', (mode) => {
  it('shows the model every job notice exactly once, in completion order, and ends when no job runs', async () => {
    const s = await setup(STAGGERED);
    const placements: NoticePlacement[] = [];
    const notices = withNotices(s.executor, { onDelivered: (d) => placements.push(d.placement) });
    const call = caller(s, notices, mode, 0);
    const run = await runUntilDone({
      notices,
      messages: [{ role: 'user', content: STAGGERED.prompt }],
      generate: (messages) => call(messages),
    });
    expect(run.stopReason).toBe('done');
    expectExactlyOnce(s);
    expect(s.executor.list().every((j) => j.state !== 'running' && j.state !== 'queued')).toBe(true);
    const last = run.messages.at(-1);
    expect(last?.role).toBe('assistant');
    expect(JSON.stringify(last)).toContain('Done; b3 failed.');
    // What the SDK sent: the system prompt, the tool definitions, tool_result blocks.
    const first = s.requests[0]?.body;
    expect(first?.tools?.map((t) => t.name)).toEqual(['bg_bash', 'bg_output', 'bg_kill', 'bg_write']);
    expect(JSON.stringify(first?.system)).toContain('You run slow commands in the background.');
    expect(first?.stream ?? false).toBe(mode === 'stream');
    expect(JSON.stringify(s.requests.at(-1)?.body.messages)).toContain('"type":"tool_result"');
    expect(placements).toContain('wake');
    expect(placements).toContain('tool_result');
    console.log(`ai-sdk ${mode}: ${s.requests.length} requests, placements ${placements.join(' ')}`);
  });

  it('loses no notice when every third request fails with HTTP 500 and the SDK retries it', async () => {
    const s = await setup(STAGGERED, { fail: (i) => i % 3 === 2 });
    const notices = withNotices(s.executor);
    const call = caller(s, notices, mode, 2);
    const run = await runUntilDone({
      notices,
      messages: [{ role: 'user', content: STAGGERED.prompt }],
      generate: (messages) => call(messages),
    });
    expect(run.stopReason).toBe('done');
    const failed = s.requests.filter((r) => r.failed);
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expectExactlyOnce(s);
    // A retry sends the same body: the failed request's notices ride it.
    s.requests.forEach((r, i) => {
      if (!r.failed) return;
      expect(s.requests[i + 1]?.body).toEqual(r.body);
    });
  });
});

describe('a call that fails for good (HTTP 500, no retries)', () => {
  it('rollback() releases its notices and resumes from the steps that succeeded: none lost, none twice', async () => {
    const s = await setup(STAGGERED, { fail: (i) => i % 3 === 2 });
    const notices = withNotices(s.executor);
    const call = caller(s, notices, 'generate', 0);
    let messages: ModelMessage[] = [{ role: 'user', content: STAGGERED.prompt }];
    let failures = 0;
    for (let calls = 0; calls < 200; calls++) {
      try {
        messages = notices.history(await call(messages));
      } catch (error) {
        expect(String(error)).toContain('injected failure');
        failures++;
        messages = await notices.rollback();
        continue;
      }
      if ((await notices.endTurn()).action === 'stop') break;
    }
    expect(failures).toBeGreaterThanOrEqual(3);
    expectExactlyOnce(s);
    // A failed request's notices ride the next answered one.
    s.requests.forEach((r, i) => {
      if (!r.failed) return;
      const next = s.requests.slice(i + 1).find((n) => !n.failed);
      for (const id of noticeIdsIn(r.body.messages.at(-1))) expect(noticeIdsIn(next?.body.messages.at(-1))).toContain(id);
    });
    // Every job was started once: no step was replayed after a failure.
    expect(
      s.executor
        .list()
        .map((j) => j.id)
        .sort(),
    ).toEqual(STAGGERED.jobs.map((j) => j.id).sort());
  });
});

describe('a call aborted while its request is in flight', () => {
  it('gives its notices back: the next call delivers them, none lost, none twice', async () => {
    // Hold the first request that carries notices; abort the call once the proxy holds it.
    let heldOnce = false;
    const hold = (_index: number, body: { messages: unknown[] }): boolean => {
      if (heldOnce || noticeIdsIn(body.messages.at(-1)).length === 0) return false;
      return (heldOnce = true);
    };
    const s = await setup(STAGGERED, { hold });
    const notices = withNotices(s.executor);
    const tools = bgTools(s.executor, { strategy: 'inject' });
    let messages: ModelMessage[] = [{ role: 'user', content: STAGGERED.prompt }];
    let aborted = 0;
    for (let calls = 0; calls < 100; calls++) {
      const abort = new AbortController();
      const watching = setInterval(() => {
        if (s.holding.length > aborted) abort.abort();
      }, 5);
      try {
        const result = await generateText({
          model: s.model,
          tools,
          messages,
          abortSignal: abort.signal,
          maxRetries: 0,
          stopWhen: stepCountIs(100),
          prepareStep: notices.prepareStep,
          onStepFinish: notices.onStepFinish,
        });
        messages = notices.history(result);
      } catch (error) {
        expect(abort.signal.aborted, String(error)).toBe(true);
        aborted++;
        messages = await notices.rollback();
        continue;
      } finally {
        clearInterval(watching);
      }
      if ((await notices.endTurn()).action === 'stop') break;
    }
    expect(aborted).toBe(1);
    expectExactlyOnce(s);
    const held = s.requests[s.holding[0] ?? -1];
    const next = s.requests.slice((s.holding[0] ?? 0) + 1).find((r) => !r.failed);
    expect(noticeIdsIn(held?.body.messages.at(-1)).length).toBeGreaterThan(0);
    for (const id of noticeIdsIn(held?.body.messages.at(-1))) expect(noticeIdsIn(next?.body.messages.at(-1))).toContain(id);
  });
});

describe.each(['poll', 'block'] as const)('the %s tools in generateText', (strategy) => {
  it('run the scenario to the final answer with the SDK loop alone', async () => {
    const s = await setup('default');
    const result = await generateText({
      model: s.model,
      tools: bgTools(s.executor, { strategy }),
      stopWhen: stepCountIs(200),
      maxRetries: 0,
      prompt: s.sim.scenario.prompt,
    });
    expect(result.finishReason).toBe('stop');
    expect(result.text).toContain('Done:');
    const names = new Set(result.steps.flatMap((step) => step.toolCalls.map((c) => c.toolName)));
    expect([...names].sort()).toEqual(strategy === 'block' ? ['bash'] : ['bg_bash', 'check_bg']);
    expect(s.executor.list().map((j) => j.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
  });
});
