import Anthropic from '@anthropic-ai/sdk';
import { BackgroundExecutor, formatNotices, type Job } from '@bgtasks/core';
import { createVirtualRuntime, VirtualClock } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { createSimModel } from './index.ts';
import { ownToolName } from './tool-view.ts';

type Param = Anthropic.Beta.BetaMessageParam;
type Tool = Anthropic.Beta.BetaToolUnion;
type Search = 'none' | 'client' | 'server';

const PREFIX = 'mcp__bgtasks__';
const OWN = ['bg_bash', 'check_bg', 'bg_wait', 'bg_output', 'bg_kill'];
const schema = { type: 'object' as const, properties: {} };

function line(job: Job): string {
  return `${job.id}: ${job.state}${job.exitCode == null ? '' : ` (exit ${job.exitCode})`}`;
}

/**
 * A loop like Claude Code's over the beta Messages API: the bgtasks tools named as an MCP client
 * names them (`mcp__bgtasks__bg_bash`), offered directly (`none`), deferred behind a client-side
 * `ToolSearch` that answers with `tool_reference` blocks (`client`, Claude Code's way: the tools
 * are listed by name in a system message), or deferred behind the API's server tool search
 * (`server`: `defer_loading` tools and the `tool_search_tool_regex` tool).
 */
async function runLoop(scenario: string, search: Search) {
  const clock = new VirtualClock();
  const executor = new BackgroundExecutor(createVirtualRuntime({ clock }), { maxConcurrent: 8 });
  const sim = createSimModel(scenario, { clock, pollPolicy: 'bg_wait' });
  const client = new Anthropic({ apiKey: 'sim', fetch: sim.fetch, maxRetries: 0 });
  const mcpTools: Anthropic.Beta.BetaTool[] = OWN.map((name) => ({
    name: `${PREFIX}${name}`,
    description: name,
    input_schema: schema,
    ...(search === 'none' ? {} : { defer_loading: true }),
  }));
  let tools: Tool[] = [];
  const messages: Param[] = [{ role: 'user', content: sim.scenario.prompt }];
  if (search === 'none') tools = mcpTools;
  if (search === 'client') {
    tools = [
      {
        name: 'ToolSearch',
        description: 'loads deferred tools',
        input_schema: { type: 'object', properties: { query: { type: 'string' } } },
      },
    ];
    messages.push({
      role: 'system',
      content: `Deferred tools, load them with ToolSearch:\n${mcpTools.map((t) => t.name).join('\n')}`,
    });
  }
  if (search === 'server') tools = [{ type: 'tool_search_tool_regex_20251119', name: 'tool_search_tool_regex' }, ...mcpTools];
  const calls: string[] = [];
  const contents: Anthropic.Beta.BetaContentBlock[][] = [];
  let answer = '';
  for (let turn = 0; turn < 100; turn++) {
    const message = await client.beta.messages.create({ model: 'claude-sim', max_tokens: 8192, tools, messages });
    contents.push(message.content);
    messages.push({ role: 'assistant', content: message.content as Anthropic.Beta.BetaContentBlockParam[] });
    if (message.stop_reason !== 'tool_use') {
      answer = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
      break;
    }
    const results: Anthropic.Beta.BetaToolResultBlockParam[] = [];
    for (const block of message.content) {
      if (block.type !== 'tool_use') continue;
      calls.push(block.name);
      const input = block.input as Record<string, unknown>;
      if (block.name === 'ToolSearch') {
        const names = String(input.query)
          .replace(/^select:/, '')
          .split(',');
        // Claude Code's way: the loaded tools join `tools` (deferred) and are referenced.
        tools = [...tools, ...mcpTools.filter((t) => names.includes(t.name))];
        results.push({
          type: 'tool_result',
          tool_use_id: block.id,
          content: names.map((tool_name) => ({ type: 'tool_reference' as const, tool_name })),
        });
        continue;
      }
      expect(block.name.startsWith(PREFIX), block.name).toBe(true);
      let text = '';
      const own = ownToolName(block.name);
      if (own === 'bg_bash') {
        const job = executor.submit({ command: String(input.command), id: String(input.id) });
        text = `started job "${job.id}"`;
      } else if (own === 'bg_wait') {
        const ended = (await executor.wait(input.ids as string[], { mode: 'any', timeoutMs: Number(input.timeout_s) * 1000 }))
          .ended;
        text = formatNotices(ended.flatMap((j) => executor.bus.history().filter((n) => n.jobId === j.id)));
      } else text = executor.list().map(line).join('\n');
      results.push({ type: 'tool_result', tool_use_id: block.id, content: text });
    }
    messages.push({ role: 'user', content: results });
  }
  const jobs = executor.list();
  await executor.close();
  return { answer, calls, contents, jobs };
}

describe('tools under a client prefix, offered directly or deferred behind a tool search', () => {
  test('a tool is known by the name after its last "__": its own name, under any prefix', () => {
    expect(ownToolName('bg_bash')).toBe('bg_bash');
    expect(ownToolName('mcp__bgtasks__bg_bash')).toBe('bg_bash');
    expect(ownToolName('mcp__my__server__check_bg')).toBe('check_bg');
    // Claude Code's own Bash, and names that only start like a known one, are not the model's tools.
    expect(ownToolName('Bash')).toBeUndefined();
    expect(ownToolName('mcp__x__bg_bashful')).toBeUndefined();
  });

  test('tools named mcp__<server>__*: the model finds them by their own name and calls them by their full name', async () => {
    const r = await runLoop('default', 'none');
    expect(r.jobs.map((j) => [j.id, j.state])).toEqual([
      ['install', 'completed'],
      ['lint', 'completed'],
      ['test', 'completed'],
      ['build', 'completed'],
    ]);
    expect(r.calls.every((name) => name.startsWith(PREFIX))).toBe(true);
    expect(r.calls).toContain(`${PREFIX}bg_wait`);
    expect(r.answer).toContain('The change is ready');
  });

  test('client tool search (Claude Code): the model searches for the deferred tools first, then uses them', async () => {
    const r = await runLoop('default', 'client');
    expect(r.calls[0]).toBe('ToolSearch');
    expect(r.calls.filter((c) => c === 'ToolSearch')).toHaveLength(1);
    expect(r.calls[1]).toBe(`${PREFIX}bg_bash`);
    expect(r.jobs.every((j) => j.state === 'completed')).toBe(true);
    expect(r.answer).toContain('The change is ready');
  });

  test('server tool search (the API): the search and its result open the first response, the calls follow in it', async () => {
    const r = await runLoop('chain', 'server');
    const first = r.contents[0] ?? [];
    expect(first.map((b) => b.type)).toEqual(['server_tool_use', 'tool_search_tool_result', 'text', 'text', 'tool_use']);
    const found = first[1];
    expect(
      found?.type === 'tool_search_tool_result' &&
        'tool_references' in found.content &&
        found.content.tool_references.map((t) => t.tool_name),
    ).toEqual(OWN.map((n) => `${PREFIX}${n}`));
    // Loaded by that result: later responses call the tools without searching again.
    expect(r.contents.slice(1).some((c) => c.some((b) => b.type === 'server_tool_use'))).toBe(false);
    expect(r.jobs.every((j) => j.state === 'completed')).toBe(true);
    expect(r.answer).toContain('Deployed to staging');
  });

  test('deferred tools with no tool search offered cannot be called: the model says it has no tool', async () => {
    const sim = createSimModel('default', { clock: new VirtualClock() });
    const client = new Anthropic({ apiKey: 'sim', fetch: sim.fetch, maxRetries: 0 });
    const message = await client.beta.messages.create({
      model: 'claude-sim',
      max_tokens: 1024,
      tools: OWN.map((name) => ({ name: `${PREFIX}${name}`, input_schema: schema, defer_loading: true })),
      messages: [{ role: 'user', content: sim.scenario.prompt }],
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content.some((b) => b.type === 'tool_use')).toBe(false);
  });
});
