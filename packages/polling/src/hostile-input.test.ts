// Hostile tool input from the model: huge strings, path traversal in cwd, numbers JSON cannot
// carry, nested junk. Each comes back as a short is_error result; the handler never throws.
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackgroundExecutor, type ExecutorOptions } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { blockTools, pollingTools, type ToolSet } from './index.ts';

/** Longest error text a hostile input may cause: the model must not get its own megabytes back. */
const MAX_ERROR_CHARS = 4_000;

const executors: BackgroundExecutor[] = [];
function setup(options: ExecutorOptions = {}) {
  const executor = new BackgroundExecutor(createRuntime(), { killGraceMs: 200, ...options });
  executors.push(executor);
  return { executor, poll: pollingTools(executor), block: blockTools(executor), signal: new AbortController().signal };
}
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
});

async function expectError(tools: ToolSet, name: string, input: unknown, contains: string | RegExp) {
  const out = await tools.handle(name, input, new AbortController().signal);
  expect(out.isError, out.text.slice(0, 300)).toBe(true);
  expect(out.text.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
  if (typeof contains === 'string') expect(out.text).toContain(contains);
  else expect(out.text).toMatch(contains);
  return out.text;
}

describe('huge strings', () => {
  it('a 10 MB command is refused in a few lines, by bg_bash and bash, and nothing runs', async () => {
    const { executor, poll, block } = setup();
    const command = `echo ${'x'.repeat(10 * 1024 * 1024)}`;
    await expectError(poll, 'bg_bash', { command }, 'command: Too big: expected string to have <=100000 characters');
    await expectError(block, 'bash', { command }, 'command: Too big: expected string to have <=100000 characters');
    expect(executor.list()).toEqual([]);
  });

  it('a 1 MB id is named by its start and length, never echoed whole', async () => {
    const { poll, signal } = setup();
    const id = 'a'.repeat(1024 * 1024);
    for (const name of ['check_bg', 'bg_output', 'bg_kill']) {
      const text = await expectError(poll, name, { id }, 'unknown job id "aaaa');
      expect(text).toContain('(1048576 characters)');
    }
    await expectError(poll, 'bg_wait', { ids: [id], timeout_s: 1 }, '(1048576 characters)');
    // bg_bash takes an invalid id as a hint and generates one; the note stays short too.
    const started = await poll.handle('bg_bash', { command: 'true', id }, signal);
    expect(started.isError).toBe(false);
    expect(started.text.length).toBeLessThan(400);
    expect(started.text).toMatch(/^started job "true-1" \(true\); "a+…" \(1048576 characters\) is not a valid id/);
  });

  it('an unknown id among many jobs lists the first 50 known ids and counts the rest', async () => {
    const { executor, poll } = setup();
    for (let i = 0; i < 60; i++) executor.submit({ command: 'true', id: `job${i}` });
    const text = await expectError(poll, 'check_bg', { id: 'nope' }, 'known jobs: job0, job1,');
    expect(text).toContain('job49 and 10 more');
    expect(text).not.toContain('job50');
  });

  it('a huge cwd is refused without echoing it', async () => {
    const { poll } = setup();
    await expectError(poll, 'bg_bash', { command: 'pwd', cwd: `/${'d'.repeat(1024 * 1024)}` }, 'cwd: Too big');
  });
});

describe('path traversal in cwd, with cwdRoot set on the executor', () => {
  function tree() {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'bgtasks-tool-root-')));
    mkdirSync(join(root, 'src'));
    const outside = mkdtempSync(join(tmpdir(), 'bgtasks-tool-outside-'));
    symlinkSync(outside, join(root, 'escape'));
    return root;
  }

  it.each(['../..', '/etc', 'escape', 'src/../../..'])(
    'bg_bash and bash refuse cwd "%s", naming the allowed root',
    async (cwd) => {
      const root = tree();
      const { executor, poll, block } = setup({ cwdRoot: root });
      const expected = `outside the allowed root ${root}`;
      const bg = await expectError(poll, 'bg_bash', { command: 'pwd', cwd }, expected);
      expect(bg).toMatch(/^bg_bash failed: invalid job spec: cwd: /);
      const fg = await expectError(block, 'bash', { command: 'pwd', cwd }, expected);
      expect(fg).toMatch(/^bash failed: invalid job spec: cwd: /);
      expect(executor.list()).toEqual([]);
    },
  );

  it('a cwd inside the root is passed through by both tools and the job runs there', async () => {
    const root = tree();
    const { executor, poll, block, signal } = setup({ cwdRoot: root });
    const started = await poll.handle('bg_bash', { command: 'pwd', cwd: 'src', id: 'where' }, signal);
    expect(started.isError).toBe(false);
    await executor.wait(['where']);
    expect(executor.output('where').text.trim()).toBe(join(root, 'src'));
    const fg = await block.handle('bash', { command: 'pwd', cwd: 'src' }, signal);
    expect(fg.isError).toBe(false);
    expect(fg.text).toContain(join(root, 'src'));
  });

  it('a cwd that does not exist says so and names the root', async () => {
    const root = tree();
    const { poll } = setup({ cwdRoot: root });
    await expectError(poll, 'bg_bash', { command: 'pwd', cwd: 'nope' }, `cwd: "nope" does not exist (jobs run inside ${root})`);
  });
});

describe('numbers and shapes JSON should not carry', () => {
  it.each([
    ['NaN', Number.NaN, 'timeout_s: expected number, received NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'timeout_s: expected number, received Infinity'],
    ['1e400 (Infinity once parsed)', JSON.parse('1e400') as number, 'timeout_s: expected number, received Infinity'],
    ['-5', -5, 'timeout_s: Too small: expected number to be >0'],
    ['0', 0, 'timeout_s: Too small: expected number to be >0'],
    ['"10"', '10', 'timeout_s: expected number, received string'],
  ])('timeout_s %s is refused by bg_bash, bg_wait and bash', async (_, timeout_s, message) => {
    const { executor, poll, block } = setup();
    await expectError(poll, 'bg_bash', { command: 'true', timeout_s }, message);
    await expectError(poll, 'bg_wait', { timeout_s }, message);
    await expectError(block, 'bash', { command: 'true', timeout_s }, message);
    expect(executor.list()).toEqual([]);
  });

  it.each([
    ['an array', [1, 2, 3]],
    ['a string', 'sleep 1'],
    ['a number', 42],
    ['true', true],
  ])('input that is %s is refused as not an object', async (_, input) => {
    const { poll } = setup();
    await expectError(poll, 'bg_bash', input, 'input: expected object');
  });

  it('nested junk, 100 000 wrong ids and a thousand unknown keys give a short list of problems', async () => {
    const { executor, poll } = setup();
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    await expectError(poll, 'bg_bash', { command: { $ne: null, nested: deep } }, 'command: expected string, received object');
    await expectError(poll, 'bg_wait', { ids: [deep], timeout_s: 1 }, 'ids.0: expected string, received array');
    const many = await expectError(
      poll,
      'bg_wait',
      { ids: Array.from({ length: 100_000 }, (_, i) => i), timeout_s: 1 },
      'ids.0: expected string, received number',
    );
    expect(many).toContain('and 99995 more problems');
    const keys = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`junk_${i}_${'k'.repeat(100)}`, i]));
    await expectError(poll, 'check_bg', keys, 'Unrecognized keys');
    await expectError(poll, 'bg_bash', JSON.parse('{"command": "true", "__proto__": {"polluted": 1}}'), 'Unrecognized key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(executor.list()).toEqual([]);
  });

  it('after all of it the tools still work', async () => {
    const { executor, poll, signal } = setup();
    await poll.handle('bg_bash', { command: 'x'.repeat(10 * 1024 * 1024) }, signal);
    await poll.handle('check_bg', { id: 'z'.repeat(1024 * 1024) }, signal);
    const ok = await poll.handle('bg_bash', { command: 'echo fine', id: 'fine' }, signal);
    expect(ok).toMatchObject({ isError: false, startedJobs: ['fine'] });
    await executor.wait(['fine']);
    expect(executor.output('fine').text).toBe('fine\n');
  });
});
