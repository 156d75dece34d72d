import Anthropic from '@anthropic-ai/sdk';
import { BackgroundExecutor, formatNotices, isFinalState, type Job } from '@bgtasks/core';
import { createVirtualRuntime, VirtualClock } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { createSimModel, type PollPolicy } from './index.ts';

type Strategy = 'block' | 'poll' | 'inject';
type Param = Anthropic.MessageParam;
type ToolResult = Anthropic.ToolResultBlockParam;

const schema = { type: 'object' as const, properties: {} };
const TOOLS: Record<Strategy, string[]> = {
  block: ['bash'],
  poll: ['bg_bash', 'check_bg', 'bg_wait', 'bg_output', 'bg_kill'],
  inject: ['bg_bash', 'bg_output', 'bg_kill'],
};

function line(job: Job): string {
  return `${job.id} ${job.state}${job.exitCode === undefined || job.exitCode === null ? '' : ` exit_code=${job.exitCode}`}`;
}

/**
 * A minimal agent loop over the official SDK and core's executor on one virtual clock, with tool
 * results in the formats the sim-model README documents.
 */
async function runLoop(scenario: string, strategy: Strategy, pollPolicy?: PollPolicy) {
  const clock = new VirtualClock();
  const runtime = createVirtualRuntime({ clock });
  const executor = new BackgroundExecutor(runtime, { maxConcurrent: 8 });
  const consumer = executor.bus.consumer('agent');
  const sim = createSimModel(scenario, { clock, ...(pollPolicy ? { pollPolicy } : {}) });
  const client = new Anthropic({ apiKey: 'sim', fetch: sim.fetch, maxRetries: 0 });
  const tools = TOOLS[strategy].map((name) => ({ name, description: name, input_schema: schema }));
  const messages: Param[] = [{ role: 'user', content: sim.scenario.prompt }];
  const calls: string[] = [];
  /** The calls of each response, in order. */
  const turnCalls: string[][] = [];
  let answer = '';
  for (let turn = 0; turn < 400; turn++) {
    const message = await client.messages.create({ model: 'claude-sim', max_tokens: 8192, tools, messages });
    messages.push({ role: 'assistant', content: message.content });
    turnCalls.push(
      message.content.flatMap((b) => (b.type === 'tool_use' ? [`${b.name}:${(b.input as { id?: string }).id}`] : [])),
    );
    if (message.stop_reason === 'tool_use') {
      const results: ToolResult[] = [];
      for (const block of message.content) {
        if (block.type !== 'tool_use') continue;
        const input = block.input as Record<string, unknown>;
        calls.push(`${block.name}${input.id ? `:${input.id}` : ''}`);
        let text = '';
        let isError = false;
        if (block.name === 'bash') {
          const job = executor.submit({ command: String(input.command) });
          const [ended] = (await executor.wait([job.id])).ended;
          text = executor.tail(job.id) || '(no output)';
          isError = ended?.state !== 'completed';
        } else if (block.name === 'bg_bash') {
          const job = executor.submit({ command: String(input.command), id: String(input.id) });
          text = `started job "${job.id}" (${job.spec.command})`;
        } else if (block.name === 'check_bg') {
          text = executor.list().map(line).join('\n');
        } else if (block.name === 'bg_wait') {
          const ids = input.ids as string[];
          const r = await executor.wait(ids, { mode: input.mode as 'any' | 'all', timeoutMs: Number(input.timeout_s) * 1000 });
          text = [...r.ended.map(line), ...(r.pending.length ? [`still running: ${r.pending.join(', ')}`] : [])].join('\n');
        } else if (block.name === 'bg_kill') {
          text = line(await executor.kill(String(input.id)));
        }
        results.push({ type: 'tool_result', tool_use_id: block.id, content: text, ...(isError ? { is_error: true } : {}) });
      }
      if (strategy === 'inject') {
        const lease = consumer.lease();
        consumer.ack(lease);
        const last = results[results.length - 1];
        if (last && lease.notices.length > 0) {
          last.content = [
            { type: 'text', text: String(last.content) },
            { type: 'text', text: formatNotices(lease.notices) },
          ];
        }
      }
      messages.push({ role: 'user', content: results });
      continue;
    }
    const final = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
    const live = executor.list().filter((j) => !isFinalState(j.state));
    if (strategy === 'inject' && (live.length > 0 || consumer.pending().length > 0)) {
      await consumer.ready();
      const lease = consumer.lease();
      consumer.ack(lease);
      messages.push({ role: 'user', content: formatNotices(lease.notices) });
      continue;
    }
    answer = final;
    break;
  }
  const jobs = executor.list();
  await executor.close();
  return {
    answer,
    calls,
    turnCalls,
    jobs,
    makespanMs: clock.now(),
    turns: messages.filter((m) => m.role === 'assistant').length,
  };
}

describe('the simulated model in a tool loop (official SDK, virtual time)', () => {
  test('poll: starts independent jobs together, polls, starts dependents once seen done, answers', async () => {
    const r = await runLoop('default', 'poll');
    expect(r.answer).toContain('ready');
    expect(r.jobs.map((j) => [j.id, j.state])).toEqual([
      ['install', 'completed'],
      ['lint', 'completed'],
      ['test', 'completed'],
      ['build', 'completed'],
    ]);
    // lint, test and build start in one turn, right after install is seen done.
    const i = r.calls.indexOf('bg_bash:lint');
    expect(r.calls.slice(i, i + 3)).toEqual(['bg_bash:lint', 'bg_bash:test', 'bg_bash:build']);
    expect(r.calls).toContain('check_bg');
  });

  test('inject: ends its turn while jobs run and wakes on the notice', async () => {
    const r = await runLoop('default', 'inject');
    expect(r.answer).toContain('ready');
    expect(r.calls).not.toContain('check_bg');
    expect(r.jobs.every((j) => j.state === 'completed')).toBe(true);
  });

  test('block: runs every job in the foreground, one at a time', async () => {
    const r = await runLoop('default', 'block');
    expect(r.answer).toContain('ready');
    expect(r.calls).toEqual(['bash', 'bash', 'bash', 'bash']);
  });

  test('inject finishes before block on the same scenario (jobs overlap)', async () => {
    const inject = await runLoop('fan-out-fan-in', 'inject');
    const block = await runLoop('fan-out-fan-in', 'block');
    expect(inject.jobs.every((j) => j.state === 'completed')).toBe(true);
    expect(inject.makespanMs).toBeLessThan(block.makespanMs);
  });

  test('early failure: the model kills the jobs the failure made pointless and runs plan B', async () => {
    for (const strategy of ['poll', 'inject'] as const) {
      const r = await runLoop('early-failure', strategy);
      const state = Object.fromEntries(r.jobs.map((j) => [j.id, j.state]));
      expect(state).toEqual({ lint: 'failed', test: 'killed', build: 'killed', 'lint-fix': 'completed' });
      expect(r.answer).toContain('Lint failed (lint)');
      expect(r.makespanMs).toBeLessThan(60_000);
    }
  });

  test('early failure: the stops, the diagnosis and plan B go out in one response, not a turn for the stops', async () => {
    for (const [strategy, policy] of [
      ['inject', undefined],
      ['poll', 'bg_wait'],
    ] as const) {
      const r = await runLoop('early-failure', strategy, policy);
      const stops = r.turnCalls.findIndex((calls) => calls.includes('bg_kill:test'));
      expect(r.turnCalls[stops]).toEqual(['bg_kill:test', 'bg_kill:build', 'bg_bash:lint-fix']);
      // start all three, wait, stop + fix, wait, answer
      expect(r.turns).toBe(5);
    }
  });

  test('poll policies: bg_wait takes fewer turns than polling every turn; back-off waits with growing timeouts', async () => {
    const every = await runLoop('job-bound', 'poll', 'every_turn');
    const wait = await runLoop('job-bound', 'poll', 'bg_wait');
    const backoff = await runLoop('job-bound', 'poll', 'backoff');
    expect(wait.turns).toBeLessThan(backoff.turns);
    expect(backoff.turns).toBeLessThan(every.turns);
    for (const r of [every, wait, backoff]) expect(r.jobs.every((j) => j.state === 'completed')).toBe(true);
    expect(wait.calls).toContain('bg_wait');
  });
});
