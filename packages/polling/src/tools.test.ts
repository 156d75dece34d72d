import { BackgroundExecutor, parseNotices } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { blockTools, pollingTools } from './index.ts';

const executors: BackgroundExecutor[] = [];
function setup() {
  const executor = new BackgroundExecutor(createRuntime(), { killGraceMs: 200 });
  executors.push(executor);
  return { executor, tools: pollingTools(executor), signal: new AbortController().signal };
}
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
});

describe('tool definitions', () => {
  it('offers exactly the poll set and the block set, with input schemas generated from zod', () => {
    const { executor, tools } = setup();
    expect(tools.names).toEqual(['bg_bash', 'check_bg', 'bg_wait', 'bg_output', 'bg_kill', 'bg_write']);
    expect(blockTools(executor).names).toEqual(['bash']);
    const bgBash = tools.definitions[0]!;
    expect(bgBash.input_schema).toMatchObject({
      type: 'object',
      required: ['command'],
      additionalProperties: false,
      properties: { timeout_s: { type: 'number', exclusiveMinimum: 0, maximum: 86_400 } },
    });
    expect(bgBash.input_schema).not.toHaveProperty('$schema');
    const wait = tools.definitions[2]!;
    expect(wait.input_schema).toMatchObject({ properties: { mode: { enum: ['any', 'all'], default: 'all' } } });
  });
});

describe('tool descriptors', () => {
  it('carry name, description and zod schema, and execute with the same validation as the Anthropic tool', async () => {
    const { tools, signal } = setup();
    const bgBash = tools.tools.find((t) => t.name === 'bg_bash')!;
    expect(bgBash.description).toBe(tools.definitions[0]!.description);
    expect(bgBash.inputSchema.safeParse({ command: 'true' }).success).toBe(true);
    expect(bgBash.inputSchema.safeParse({ command: 'true', bogus: 1 }).success).toBe(false);
    const bad = await bgBash.execute({ command: 42 }, { signal });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain('command');
    const good = await bgBash.execute({ command: 'true', id: 'via-descriptor' }, { signal });
    expect(good).toMatchObject({ isError: false, startedJobs: ['via-descriptor'] });
  });
});

describe('bg_bash', () => {
  it('answers at once with the job id while the job still runs', async () => {
    const { executor, tools, signal } = setup();
    const started = Date.now();
    const out = await tools.handle('bg_bash', { command: 'sleep 5' }, signal);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(out).toEqual({ text: 'started job "sleep-1" (sleep 5)', isError: false, startedJobs: ['sleep-1'] });
    expect(executor.get('sleep-1').state).toBe('running');
  });

  it('takes a valid unused id from the model and generates one when it is taken or invalid', async () => {
    const { tools, signal } = setup();
    expect((await tools.handle('bg_bash', { command: 'echo a', id: 'build' }, signal)).text).toBe('started job "build" (echo a)');
    const taken = await tools.handle('bg_bash', { command: 'echo b', id: 'build' }, signal);
    expect(taken.isError).toBe(false);
    expect(taken.text).toBe('started job "echo-1" (echo b); the id "build" was already in use, so a new one was generated');
    const invalid = await tools.handle('bg_bash', { command: 'echo c', id: '../x' }, signal);
    expect(invalid.text).toMatch(/^started job "echo-2" \(echo c\); "..\/x" is not a valid id/);
  });
});

describe('bad input becomes is_error with how to call the tool right', () => {
  it('reports wrong types, empty commands and timeouts out of range', async () => {
    const { executor, tools, signal } = setup();
    const wrongType = await tools.handle('bg_bash', { command: 42 }, signal);
    expect(wrongType.isError).toBe(true);
    expect(wrongType.text).toContain('command: expected string, received number');
    expect(wrongType.text).toContain('Call it as bg_bash {"command": string, "id"?: string, "cwd"?: string, "timeout_s"?:');
    const empty = await tools.handle('bg_bash', { command: '   ' }, signal);
    expect(empty).toMatchObject({ isError: true });
    expect(empty.text).toContain('command: must not be empty');
    const range = await tools.handle('bg_wait', { timeout_s: 99_999 }, signal);
    expect(range.isError).toBe(true);
    expect(range.text).toContain('timeout_s: Too big: expected number to be <=3600');
    const unknownField = await tools.handle('check_bg', { job: 'x' }, signal);
    expect(unknownField.text).toContain('Unrecognized key: "job"');
    expect(executor.list()).toEqual([]);
  });

  it('names the known ids when the id is unknown, and the tools when the name is', async () => {
    const { tools, signal } = setup();
    await tools.handle('bg_bash', { command: 'echo hi', id: 'greet' }, signal);
    for (const name of ['check_bg', 'bg_output', 'bg_kill']) {
      const out = await tools.handle(name, { id: 'nope' }, signal);
      expect(out.isError).toBe(true);
      expect(out.text).toContain('unknown job id "nope"; known jobs: greet');
    }
    const wait = await tools.handle('bg_wait', { ids: ['nope'], timeout_s: 1 }, signal);
    expect(wait.isError).toBe(true);
    expect(wait.text).toContain('known jobs: greet');
    const unknownTool = await tools.handle('bash', { command: 'ls' }, signal);
    expect(unknownTool).toEqual({
      text: 'unknown tool "bash"; the tools available here are: bg_bash, check_bg, bg_wait, bg_output, bg_kill, bg_write',
      isError: true,
    });
  });
});

describe('check_bg, bg_wait, bg_output, bg_kill on real processes', () => {
  it('lists every job in one line each and shows an ended job as a notice', async () => {
    const { executor, tools, signal } = setup();
    await tools.handle('bg_bash', { command: 'echo done && exit 3', id: 'fail' }, signal);
    await tools.handle('bg_bash', { command: 'sleep 5', id: 'slow' }, signal);
    await executor.wait(['fail']);
    const all = await tools.handle('check_bg', {}, signal);
    const lines = all.text.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^fail: failed \(exit 3\) in \d+\.\d s, 5 output bytes: echo done && exit 3$/);
    expect(lines[1]).toMatch(/^slow: running for \d+\.\d s, 0 output bytes: sleep 5$/);
    const one = await tools.handle('check_bg', { id: 'fail' }, signal);
    expect(parseNotices(one.text)).toMatchObject([{ jobId: 'fail', state: 'failed', exitCode: 3, tail: 'done' }]);
  });

  it('reports which job ends each result shows the model, so the loop can time their delivery', async () => {
    const { executor, tools, signal } = setup();
    await tools.handle('bg_bash', { command: 'true', id: 'quick' }, signal);
    await tools.handle('bg_bash', { command: 'sleep 5', id: 'slow' }, signal);
    await executor.wait(['quick']);
    expect((await tools.handle('check_bg', {}, signal)).endedJobs).toEqual(['quick']);
    expect((await tools.handle('check_bg', { id: 'slow' }, signal)).endedJobs ?? []).toEqual([]);
    expect((await tools.handle('check_bg', { id: 'quick' }, signal)).endedJobs).toEqual(['quick']);
    expect((await tools.handle('bg_kill', { id: 'slow' }, signal)).endedJobs).toEqual(['slow']);
    expect((await tools.handle('bg_wait', { ids: ['quick'], timeout_s: 5 }, signal)).endedJobs).toEqual(['quick']);
  });

  it('bg_wait returns when any or all jobs end, and reports what still runs on timeout', async () => {
    const { tools, signal } = setup();
    await tools.handle('bg_bash', { command: 'echo one', id: 'a' }, signal);
    await tools.handle('bg_bash', { command: 'sleep 0.3 && echo two', id: 'b' }, signal);
    await tools.handle('bg_bash', { command: 'sleep 30', id: 'c' }, signal);
    const all = await tools.handle('bg_wait', { ids: ['a', 'b'], mode: 'all', timeout_s: 20 }, signal);
    expect(parseNotices(all.text).map((n) => [n.jobId, n.tail])).toEqual([
      ['a', 'one'],
      ['b', 'two'],
    ]);
    const started = Date.now();
    const timedOut = await tools.handle('bg_wait', { ids: ['c'], timeout_s: 0.2 }, signal);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(timedOut.text).toBe('timed out after 0.2 s; still running: c');
  });

  it('bg_output reads by byte offset and says where to read next', async () => {
    const { executor, tools, signal } = setup();
    await tools.handle('bg_bash', { command: 'echo hello world', id: 'h' }, signal);
    await executor.wait(['h']);
    const first = await tools.handle('bg_output', { id: 'h', limit: 5 }, signal);
    expect(first.text).toBe('job "h" (completed) output bytes 0-5 of 12; more: call bg_output with offset 5\nhello');
    const rest = await tools.handle('bg_output', { id: 'h', offset: 5 }, signal);
    expect(rest.text).toBe('job "h" (completed) output bytes 5-12 of 12; end of output so far\n world\n');
  });

  it('bg_output is honest about dropped bytes', async () => {
    const executor = new BackgroundExecutor(createRuntime(), { outputLimit: { headBytes: 4, tailBytes: 4 } });
    executors.push(executor);
    const tools = pollingTools(executor);
    const signal = new AbortController().signal;
    await tools.handle('bg_bash', { command: 'printf 0123456789', id: 'p' }, signal);
    await executor.wait(['p']);
    const out = await tools.handle('bg_output', { id: 'p', offset: 2 }, signal);
    expect(out.text).toBe(
      'job "p" (completed) output bytes 2-4 of 10; bytes 4-6 were dropped and cannot be read; more: call bg_output with offset 6\n23',
    );
  });

  it('bg_kill stops a running job and says so', async () => {
    const { tools, signal } = setup();
    await tools.handle('bg_bash', { command: 'sleep 30', id: 's' }, signal);
    const out = await tools.handle('bg_kill', { id: 's' }, signal);
    expect(out.text).toMatch(/^killed: s: killed in \d+\.\d s, 0 output bytes: sleep 30$/);
    const again = await tools.handle('bg_kill', { id: 's' }, signal);
    expect(again.text).toMatch(/^job had already ended: s: killed/);
  });
});

describe('bash (foreground)', () => {
  it('waits for the command and answers with its notice block, exit code included', async () => {
    const executor = new BackgroundExecutor(createRuntime());
    executors.push(executor);
    const out = await blockTools(executor).handle('bash', { command: 'echo out && exit 3' }, new AbortController().signal);
    expect(out.isError).toBe(false);
    expect(out.startedJobs).toEqual(['echo-1']);
    expect(parseNotices(out.text)).toMatchObject([{ jobId: 'echo-1', state: 'failed', exitCode: 3, tail: 'out' }]);
  });
});
