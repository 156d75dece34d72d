// The tools as the AI SDK offers and runs them, read from the Messages API requests that
// @ai-sdk/anthropic sends (a scripted fetch stands in for the API).
import { createAnthropic } from '@ai-sdk/anthropic';
import type { ContentBlock } from '@anthropic-ai/sdk/resources/messages';
import { assistantMessage, createScriptedFetch, type RecordedRequest, toolUseBlock } from '@bgtasks/agent/testing';
import { BackgroundExecutor, type Runtime } from '@bgtasks/core';
import { bashTool, createToolSet, inputSchemaOf, pollingTools } from '@bgtasks/polling';
import { createRuntime } from '@bgtasks/runtime';
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { InvalidStrategyError, pollStrategy, type Strategy, type StrategyName, UnknownStrategyError } from '@bgtasks/strategies';
import { generateText, stepCountIs } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { bgTools } from './index.ts';

const executors: BackgroundExecutor[] = [];
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
});

function executorOn(runtime: Runtime = createVirtualRuntime()): BackgroundExecutor {
  const executor = new BackgroundExecutor(runtime, { killGraceMs: 200 });
  executors.push(executor);
  return executor;
}

/** The error `fn` throws (fails the test when it throws none). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, got none');
}

type ToolResultBlock = { type: 'tool_result'; tool_use_id: string; content: unknown; is_error?: boolean };

/** The tool_result blocks of a request's last message. */
function toolResults(request: RecordedRequest | undefined): ToolResultBlock[] {
  const last = request?.body.messages.at(-1);
  return Array.isArray(last?.content) ? (last.content.filter((b) => b.type === 'tool_result') as ToolResultBlock[]) : [];
}

/** Runs one step of tool calls through generateText and returns the request that carried their results. */
async function callTools(executor: BackgroundExecutor, strategy: StrategyName, calls: Array<[string, unknown]>) {
  const scripted = createScriptedFetch((_request, index) =>
    index === 0
      ? assistantMessage(calls.map(([name, input], i) => toolUseBlock(`tu_${i}`, name, input as Record<string, unknown>)))
      : // no `citations: null`: the AI SDK's response schema wants the field left out
        assistantMessage([{ type: 'text', text: 'ok' } as ContentBlock]),
  );
  const model = createAnthropic({ apiKey: 'test', fetch: scripted.fetch })('claude-sonnet-4-5');
  await generateText({ model, tools: bgTools(executor, { strategy }), stopWhen: stepCountIs(2), maxRetries: 0, prompt: 'go' });
  return scripted.requests;
}

describe('bgTools', () => {
  it.each([
    ['block', ['bash']],
    ['poll', ['bg_bash', 'check_bg', 'bg_wait', 'bg_output', 'bg_kill', 'bg_write']],
    ['inject', ['bg_bash', 'bg_output', 'bg_kill', 'bg_write']],
  ] as const)('%s offers %j with the descriptors’ JSON Schemas', async (strategy, names) => {
    const executor = executorOn();
    const [first] = await callTools(executor, strategy, []);
    const offered = first?.body.tools as Array<{ name: string; input_schema: unknown; description: string }>;
    expect(offered.map((t) => t.name)).toEqual(names);
    const descriptors = pollingTools(executor).tools;
    for (const tool of offered) {
      const descriptor = descriptors.find((d) => d.name === tool.name);
      if (descriptor) expect(tool.input_schema).toMatchObject(inputSchemaOf(descriptor.inputSchema));
      expect(tool.description.length).toBeGreaterThan(20);
    }
  });

  it('refuses an unknown strategy name or an incomplete strategy object, saying what is valid', () => {
    const executor = executorOn();
    for (const strategy of ['push', '', undefined, 42, null]) {
      const error = thrown(() => bgTools(executor, { strategy: strategy as StrategyName }));
      expect(UnknownStrategyError.isInstance(error)).toBe(true);
      expect(String(error)).toMatch(/use one of block, poll, inject, or pass a Strategy object/);
    }
    const incomplete = { ...pollStrategy(), onEndTurn: undefined } as unknown as Strategy;
    const error = thrown(() => bgTools(executor, { strategy: incomplete }));
    expect(InvalidStrategyError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/missing onEndTurn/);
  });

  it('offers the tools of a strategy object of the user’s own', async () => {
    const executor = executorOn();
    const mine: Strategy = {
      ...pollStrategy(),
      name: 'poll+bash',
      tools: (e) => createToolSet([...pollingTools(e).tools, bashTool(e)]),
    };
    expect(Object.keys(bgTools(executor, { strategy: mine }))).toEqual([
      'bg_bash',
      'check_bg',
      'bg_wait',
      'bg_output',
      'bg_kill',
      'bg_write',
      'bash',
    ]);
  });

  it('answers hostile input with short is_error results that say how to call the tool, and runs nothing', async () => {
    const executor = executorOn(createRuntime());
    const requests = await callTools(executor, 'poll', [
      ['bg_bash', { command: `echo ${'x'.repeat(1024 * 1024)}` }],
      ['bg_bash', { command: 'true', cwd: '../../etc', extra: 1 }],
      ['bg_wait', { ids: 'not-a-list' }],
      ['bg_output', { id: 'nope' }],
      ['check_bg', { id: { $ne: null } }],
    ]);
    const results = toolResults(requests[1]);
    expect(results.map((r) => r.tool_use_id)).toEqual(['tu_0', 'tu_1', 'tu_2', 'tu_3', 'tu_4']);
    for (const r of results) {
      expect(r.is_error).toBe(true);
      expect(typeof r.content).toBe('string');
      expect(String(r.content).length).toBeLessThan(4_000);
    }
    expect(String(results[0]?.content)).toContain('command: Too big');
    expect(String(results[1]?.content)).toContain('extra');
    expect(String(results[2]?.content)).toContain('Call it as bg_wait {');
    expect(String(results[3]?.content)).toContain('unknown job id');
    expect(executor.list()).toEqual([]);
  });

  it('runs a real command: bash answers its output, bg_bash a started job the executor knows', async () => {
    const executor = executorOn(createRuntime());
    const block = toolResults((await callTools(executor, 'block', [['bash', { command: 'echo hi-from-bash' }]]))[1]);
    expect(block[0]).toMatchObject({ tool_use_id: 'tu_0' });
    expect(block[0]?.is_error).toBeUndefined();
    expect(JSON.stringify(block[0]?.content)).toContain('hi-from-bash');
    const inject = toolResults((await callTools(executor, 'inject', [['bg_bash', { command: 'sleep 0.1', id: 'slow' }]]))[1]);
    expect(JSON.stringify(inject[0]?.content)).toContain('started job \\"slow\\"');
    expect(executor.get('slow').spec.command).toBe('sleep 0.1');
    await executor.wait(['slow']);
  });
});
