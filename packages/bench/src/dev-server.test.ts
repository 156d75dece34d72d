// The dev-server scenario end to end: the simulated model starts a server job with a readiness
// pattern, waits until it is ready (its ready notice under inject, bg_wait until under poll),
// runs the tests against it and kills it; on the virtual clock, under each strategy.
import Anthropic from '@anthropic-ai/sdk';
import { type AgentEvent, runAgent, strategyFor } from '@bgtasks/agent';
import { BackgroundExecutor } from '@bgtasks/core';
import { createVirtualRuntime, VirtualClock } from '@bgtasks/runtime/testing';
import { createSimModel } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';

async function play(strategy: 'inject' | 'poll' | 'block') {
  const clock = new VirtualClock();
  const runtime = createVirtualRuntime({ clock });
  const sim = createSimModel('dev-server', { clock });
  const client = new Anthropic({ apiKey: 'sim', fetch: sim.fetch, baseURL: 'http://sim.invalid', maxRetries: 0 });
  const executor = new BackgroundExecutor(runtime, { maxConcurrent: 4 });
  const events: AgentEvent[] = [];
  const calls: string[] = [];
  try {
    const result = await runAgent({
      client,
      model: 'claude-sonnet-4-6',
      strategy: strategyFor(strategy),
      executor,
      prompt: sim.scenario.prompt,
      maxTurns: 30,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'tool_call') calls.push(`${e.name}${JSON.stringify(e.input)}`);
      },
    });
    return { result, executor, events, calls };
  } finally {
    await executor.close();
  }
}

describe('dev-server scenario', () => {
  test('inject: the ready notice wakes the model, which runs e2e, then kills the server', async () => {
    const { result, executor, calls } = await play('inject');
    expect(result.stopReason).toBe('end_turn');
    expect(result.finalText).toContain('The end-to-end tests passed against the dev server (e2e)');
    expect(executor.get('server')).toMatchObject({ state: 'killed' });
    expect(executor.get('e2e')).toMatchObject({ state: 'completed' });
    expect(calls[0]).toContain('"ready":{"pattern":"listening on \\\\S+:\\\\d+"}');
    expect(calls.filter((c) => c.startsWith('bg_wait'))).toEqual([]);
    // e2e started only after the server printed its ready line (1.5 s in).
    expect((executor.get('e2e').startedAt ?? 0) - (executor.get('server').startedAt ?? 0)).toBeGreaterThanOrEqual(1_500);
    const ready = executor.bus.history().find((n) => n.kind === 'ready');
    expect(ready).toMatchObject({ jobId: 'server', ready: 'pattern', match: 'listening on 127.0.0.1:5173' });
  });

  test('poll: bg_wait until the pattern, then e2e, then bg_kill', async () => {
    const { result, executor, calls } = await play('poll');
    expect(result.finalText).toContain('The end-to-end tests passed');
    expect(calls.some((c) => c.startsWith('bg_wait') && c.includes('"until":{"pattern"'))).toBe(true);
    expect(calls.at(-1)).toBe('bg_kill{"id":"server"}');
    expect(executor.get('server').state).toBe('killed');
  });

  test('block: the model says a foreground shell cannot keep a server up, and runs nothing', async () => {
    const { result, calls } = await play('block');
    expect(calls).toEqual([]);
    expect(result.finalText).toMatch(/server must keep running while other jobs use it/);
  });
});
