import { BackgroundExecutor } from '@bgtasks/core';
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { injectStrategy, strategyFor } from './index.ts';

const executors: BackgroundExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
});

function setup() {
  const runtime = createVirtualRuntime();
  const executor = new BackgroundExecutor(runtime, { maxConcurrent: 16 });
  executors.push(executor);
  const context = { executor, signal: new AbortController().signal };
  return { runtime, executor, context };
}

describe('the hold of inject', () => {
  it('holds the request for a job the response started whose command ended quickly before: its notice rides this request', async () => {
    const { runtime, executor, context } = setup();
    const inject = injectStrategy({ holdMs: 5_000 });
    await executor.submit({ command: 'sleep 2', id: 'before' });
    await executor.wait(['before']);
    await inject.afterSuccess(await inject.beforeRequest(context), context);
    // The response to that request starts the same command again.
    await executor.submit({ command: 'sleep 2', id: 'again' });
    const at = runtime.now();
    const batch = await inject.beforeRequest(context);
    expect(runtime.now() - at).toBe(2_000);
    expect(batch.notices.map((n) => n.jobId)).toEqual(['again']);
    await inject.afterSuccess(batch, context);
    // Delivered once: nothing left for the next request.
    expect((await inject.beforeRequest(context)).notices).toEqual([]);
  });

  it('never holds for a command with no past, one that took longer than the hold, or with the hold off', async () => {
    const { runtime, executor, context } = setup();
    const held = injectStrategy({ holdMs: 5_000 });
    await executor.submit({ command: 'sleep 9', id: 'slow-before' });
    await executor.wait(['slow-before']);
    await held.afterSuccess(await held.beforeRequest(context), context);
    await executor.submit({ command: 'sleep 3', id: 'new-command' });
    await executor.submit({ command: 'sleep 9', id: 'slow-again' });
    const at = runtime.now();
    expect((await held.beforeRequest(context)).notices).toEqual([]);
    expect(runtime.now()).toBe(at);

    const off = strategyFor('inject', { consumer: 'off' });
    await executor.submit({ command: 'sleep 3', id: 'repeat' });
    await executor.wait(['new-command']);
    const before = runtime.now();
    await off.beforeRequest(context);
    expect(runtime.now()).toBe(before);
    expect(() => injectStrategy({ holdMs: Number.NaN })).toThrow(/holdMs/);
  });
});
