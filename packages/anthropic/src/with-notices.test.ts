// End to end: the SDK's own tool runner with bgTools + withNotices, a real Anthropic client, the
// simulated model served over HTTP on loopback behind a proxy that can fail requests with a 500.
// What the model received is read from the request bodies the proxy saw.
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { noticeIdsIn } from '@bgtasks/agent/testing';
import { BackgroundExecutor, type Notice } from '@bgtasks/core';
import { createRuntime, type HttpServer, serve } from '@bgtasks/runtime';
import { createSimModel, DEFAULT_PACING, type ScenarioInput } from '@bgtasks/sim-model';
import { afterEach, describe, expect, it } from 'vitest';
import { bgTools, type Delivery, withNotices } from './index.ts';

const SCALE = 0.05;

/**
 * Jobs end while the model thinks and while it waits: `quick` ends during the long `read` turn,
 * which ends by starting `docs` (so its notice rides that tool_result); the others end while the
 * model is idle (wake-ups).
 */
const SCENARIO: ScenarioInput = {
  name: 'overlap',
  prompt: 'Run the quick check and the slow build, read the code meanwhile, then build the docs and deploy.',
  jobs: [
    { id: 'quick', durationS: 1, output: 'quick: ok' },
    { id: 'slow', durationS: 12, output: 'slow: ok' },
    { id: 'docs', durationS: 2, after: ['read'], output: 'docs: ok' },
    { id: 'deploy', durationS: 1, after: ['quick', 'docs'], output: 'deployed' },
  ],
  think: [
    { id: 'plan', text: 'Starting the checks first.', outputTokens: 20 },
    { id: 'read', text: 'Reading the code while the checks run.', outputTokens: 1000, after: ['plan'] },
  ],
  final: { text: 'All done ({completed}).' },
};
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Seen {
  body: { messages: MessageParam[]; stream?: boolean; tools?: Array<{ name: string }> };
  failed: boolean;
}

/** A loopback proxy in front of `upstream` that answers 500 to the requests `fail` picks. */
async function proxy(upstream: string, fail: (body: Seen['body'], index: number) => boolean) {
  const seen: Seen[] = [];
  const forwarded = ['content-type', 'anthropic-version', 'anthropic-beta', 'x-api-key'];
  const server: HttpServer = await serve(
    async (request) => {
      const text = await request.text();
      const body = JSON.parse(text) as Seen['body'];
      const index = seen.push({ body, failed: false }) - 1;
      if (fail(body, index)) {
        seen[index]!.failed = true;
        const error = { type: 'error', error: { type: 'api_error', message: 'injected by the test proxy' } };
        return new Response(JSON.stringify(error), { status: 500, headers: { 'content-type': 'application/json' } });
      }
      const headers = new Headers();
      for (const name of forwarded) {
        const value = request.headers.get(name);
        if (value !== null) headers.set(name, value);
      }
      const url = new URL(request.url);
      const answer = await fetch(`${upstream}${url.pathname}${url.search}`, { method: 'POST', headers, body: text });
      return new Response(answer.body, {
        status: answer.status,
        headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json' },
      });
    },
    { port: 0, hostname: '127.0.0.1' },
  );
  closers.push(() => server.close());
  return { url: server.url, seen };
}

/** The notices new in a request: in its last message. */
const newIn = (s: Seen): string[] => noticeIdsIn(s.body.messages.at(-1));

async function setup(options: { stream: boolean; maxRetries: number; fail: (body: Seen['body'], index: number) => boolean }) {
  const runtime = createRuntime();
  const executor = new BackgroundExecutor(runtime, { maxConcurrent: 8 });
  closers.push(() => executor.close());
  const sim = createSimModel(SCENARIO, {
    clock: runtime,
    scale: SCALE,
    pacing: { ttftMs: DEFAULT_PACING.ttftMs * SCALE, outputTokensPerSecond: DEFAULT_PACING.outputTokensPerSecond / SCALE },
  });
  const server = await sim.serve();
  closers.push(() => server.close());
  const front = await proxy(server.url, options.fail);
  const client = new Anthropic({ apiKey: 'sim', baseURL: front.url, maxRetries: options.maxRetries });
  const runner = client.beta.messages.toolRunner({
    model: 'claude-sonnet-4-6',
    max_tokens: 4096,
    thread: false,
    stream: options.stream,
    max_iterations: 40,
    tools: bgTools(executor, { strategy: 'inject' }),
    messages: [{ role: 'user', content: sim.scenario.prompt }],
  });
  const delivered: Array<{ ids: string[] } & Delivery> = [];
  const wrapped = withNotices(runner, executor, {
    coalesceMs: 20,
    onDelivered: (notices: readonly Notice[], d) => delivered.push({ ids: notices.map((n) => n.jobId), ...d }),
  });
  return { executor, runner, wrapped, seen: front.seen, delivered };
}

/** What every run must show: each job's notice reached the model once, in completion order. */
function expectExactlyOnce(seen: readonly Seen[], executor: BackgroundExecutor, delivered: Array<{ ids: string[] }>) {
  const completion = executor.bus.history().map((n) => n.jobId);
  expect(completion.length).toBe(4);
  const ok = seen.filter((s) => !s.failed);
  // Each request shows the model the history, notices included: never one twice.
  for (const s of ok) {
    const all = noticeIdsIn(s.body.messages);
    expect(new Set(all).size).toBe(all.length);
  }
  expect(noticeIdsIn(ok.at(-1)!.body.messages)).toEqual(completion);
  expect(ok.flatMap(newIn)).toEqual(completion);
  expect(delivered.flatMap((d) => d.ids)).toEqual(completion);
  // A failed request's notices rode the next successful one.
  seen.forEach((s, i) => {
    if (!s.failed) return;
    const next = seen.slice(i + 1).find((x) => !x.failed);
    for (const id of newIn(s)) expect(newIn(next!)).toContain(id);
  });
}

describe.each([false, true])('the tool runner with withNotices over HTTP (stream: %s)', (stream) => {
  it('delivers every notice exactly once, in completion order, in tool_results and wake-ups', async () => {
    const { executor, runner, wrapped, seen, delivered } = await setup({ stream, maxRetries: 0, fail: () => false });
    const final = await wrapped.runUntilDone();
    expect(final.stop_reason).toBe('end_turn');
    expect(seen.every((s) => (s.body.stream ?? false) === stream)).toBe(true);
    expect(seen[0]!.body.tools?.map((t) => t.name)).toEqual(['bg_bash', 'bg_output', 'bg_kill', 'bg_write']);
    expectExactlyOnce(seen, executor, delivered);
    expect(new Set(delivered.map((d) => d.via))).toEqual(new Set(['injected', 'wake']));
    expect(executor.list().every((j) => j.state === 'completed')).toBe(true);
    expect(noticeIdsIn(runner.params.messages)).toEqual(executor.bus.history().map((n) => n.jobId));
  });

  it('a 500 the SDK retries carries the same notices again; they are delivered once', async () => {
    let failures = 0;
    const { executor, wrapped, seen, delivered } = await setup({
      stream,
      maxRetries: 1,
      // Fail the first attempt of every request that brings new notices.
      fail: (body) => noticeIdsIn(body.messages.at(-1)).length > 0 && failures++ % 2 === 0,
    });
    await wrapped.runUntilDone();
    expect(seen.filter((s) => s.failed).length).toBeGreaterThanOrEqual(2);
    expectExactlyOnce(seen, executor, delivered);
  });

  it('a 500 that ends the run loses no notice: run again and each arrives once', async () => {
    let failed = 0;
    const { executor, runner, wrapped, seen, delivered } = await setup({
      stream,
      maxRetries: 0,
      // No retries: the first two requests that bring notices fail and end the run.
      fail: (body) => noticeIdsIn(body.messages.at(-1)).length > 0 && failed++ < 2,
    });
    let errors = 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await wrapped.runUntilDone();
        break;
      } catch (error) {
        expect(error).toMatchObject({ status: 500 });
        errors++;
        // Nothing that failed stays in the runner's history.
        const completion = executor.bus.history().map((n) => n.jobId);
        expect(noticeIdsIn(runner.params.messages)).toEqual(completion.slice(0, noticeIdsIn(runner.params.messages).length));
      }
    }
    expect(errors).toBe(2);
    expect((await wrapped.done()).stop_reason).toBe('end_turn');
    expectExactlyOnce(seen, executor, delivered);
  });
});
