// The tools of long-running jobs, through the tool set as a model calls them, with real
// processes: bg_bash ready/stdin/log, bg_wait until, bg_write.
import { BackgroundExecutor, formatNotices, parseNotices } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { pollingTools } from './index.ts';

const executors: BackgroundExecutor[] = [];
function setup(writeTimeoutMs?: number) {
  const executor = new BackgroundExecutor(createRuntime(), {
    killGraceMs: 200,
    promptIdleMs: 200,
    ...(writeTimeoutMs !== undefined ? { writeTimeoutMs } : {}),
  });
  executors.push(executor);
  return { executor, tools: pollingTools(executor), signal: new AbortController().signal };
}
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
});

describe('bg_write on a full pipe', () => {
  it('bg_write with close: true on a job that does not read answers is_error within the write timeout', async () => {
    const { tools, signal } = setup(300);
    await tools.handle('bg_bash', { id: 'deaf', command: 'sleep 30; cat >/dev/null', stdin: 'pipe' }, signal);
    // Fill the pipe (and the host's queue behind it) until a write times out: 192 KiB a call.
    let full = false;
    for (let i = 0; i < 40 && !full; i++) {
      full = (await tools.handle('bg_write', { id: 'deaf', text: '€'.repeat(65_536) }, signal)).isError;
    }
    expect(full).toBe(true);
    const started = performance.now();
    const closed = await tools.handle('bg_write', { id: 'deaf', close: true }, signal);
    // Generous: "did not wait for the job" (it holds its pipe for 30 s).
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(closed).toMatchObject({ isError: true });
    expect(closed.text).toMatch(/has not read its input within 300 ms \(the pipe is full/);
  });
});

describe('bg_write answers a prompt after input_required', () => {
  it('a piped job asks "Continue? [y/N]", the model is told, bg_write answers, the job goes on', async () => {
    const { executor, tools, signal } = setup();
    // bash prints a `read -p` prompt only to a terminal; on a pipe this is what it would show.
    const started = await tools.handle(
      'bg_bash',
      {
        id: 'ask',
        command: `printf 'Continue? [y/N] ' >&2; read answer; echo "answer=$answer"`,
        stdin: 'pipe',
      },
      signal,
    );
    expect(started).toMatchObject({ isError: false, startedJobs: ['ask'] });
    const consumer = executor.bus.consumer('model');
    const notice = await consumer.next();
    const [parsed] = parseNotices(formatNotices([notice]));
    expect(parsed).toMatchObject({ jobId: 'ask', kind: 'input_required', state: 'running', tail: 'Continue? [y/N] ' });
    const wrote = await tools.handle('bg_write', { id: 'ask', text: 'y\n' }, signal);
    expect(wrote).toMatchObject({ isError: false, text: 'wrote 2 bytes to the stdin of job "ask"' });
    const final = await consumer.next();
    expect(final).toMatchObject({ jobId: 'ask', state: 'completed' });
    expect(final.kind).toBeUndefined();
    expect(executor.output('ask').text).toContain('answer=y');
  });

  it('bg_write to a job without a pipe, an unknown job, or with nothing to send is an error that says why', async () => {
    const { tools, signal } = setup();
    await tools.handle('bg_bash', { id: 'plain', command: 'sleep 30' }, signal);
    const noPipe = await tools.handle('bg_write', { id: 'plain', text: 'x' }, signal);
    expect(noPipe.isError).toBe(true);
    expect(noPipe.text).toMatch(/stdin is \/dev\/null; submit it with stdin: "pipe"/);
    expect((await tools.handle('bg_write', { id: 'nope', text: 'x' }, signal)).text).toMatch(/unknown job id/);
    expect((await tools.handle('bg_write', { id: 'plain' }, signal)).text).toMatch(/give text, close: true, or both/);
  });
});

describe('bg_bash ready and bg_wait until', () => {
  it('bg_wait until a pattern answers ready while the job keeps running; a job that ends first says so', async () => {
    const { executor, tools, signal } = setup();
    await tools.handle('bg_bash', { id: 'srv', command: 'sleep 0.3; echo "ready on 127.0.0.1:4000"; sleep 30' }, signal);
    const ready = await tools.handle(
      'bg_wait',
      { ids: ['srv'], timeout_s: 20, until: { pattern: 'ready on \\S+:\\d+' } },
      signal,
    );
    expect(ready).toMatchObject({ isError: false });
    expect(ready.text).toBe('job "srv" is ready (pattern); it keeps running; a line matched: ready on 127.0.0.1:4000');
    expect(executor.get('srv').state).toBe('running');
    await tools.handle('bg_bash', { id: 'crash', command: 'echo "EADDRINUSE" >&2; exit 1' }, signal);
    const crashed = await tools.handle('bg_wait', { ids: ['crash'], timeout_s: 20, until: { port: 1 } }, signal);
    expect(crashed.text).toMatch(/^job "crash" ended \(failed\) before it was ready\n/);
    expect(parseNotices(crashed.text)).toMatchObject([{ jobId: 'crash', kind: 'final', state: 'failed' }]);
    expect(crashed.endedJobs).toEqual(['crash']);
    const slow = await tools.handle('bg_wait', { ids: ['srv'], timeout_s: 0.2, until: { pattern: 'never' } }, signal);
    expect(slow.text).toBe('timed out after 0.2 s; job "srv" is running, not ready');
  });

  it('hostile readiness input is an isError answer naming the field', async () => {
    const { tools, signal } = setup();
    const bad = await tools.handle('bg_bash', { command: 'sleep 1', ready: { pattern: '([' } }, signal);
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/ready\.pattern: not a valid regular expression/);
    await tools.handle('bg_bash', { id: 'j', command: 'sleep 5' }, signal);
    const back = await tools.handle('bg_bash', { command: 'sleep 1', ready: { pattern: '(a)\\1' } }, signal);
    expect(back).toMatchObject({ isError: true });
    expect(back.text).toMatch(/ready\.pattern: backreferences .* are not supported/);
    const around = await tools.handle('bg_wait', { ids: ['j'], timeout_s: 1, until: { pattern: 'a(?!b)' } }, signal);
    expect(around).toMatchObject({ isError: true });
    expect(around.text).toMatch(/pattern: lookaround .* are not supported/);
    const two = await tools.handle('bg_bash', { command: 'sleep 1', ready: { pattern: 'x', port: 80 } }, signal);
    expect(two.text).toMatch(/exactly one of pattern, port, idle_ms/);
    const badUntil = await tools.handle('bg_wait', { ids: ['j'], timeout_s: 1, until: { pattern: '(' } }, signal);
    expect(badUntil).toMatchObject({ isError: true });
    expect(badUntil.text).toMatch(/pattern: not a valid regular expression/);
    const many = await tools.handle('bg_wait', { timeout_s: 1, until: { idle_ms: 10 } }, signal);
    expect(many).toMatchObject({ isError: true, text: 'until needs exactly one job: pass ids: ["<job id>"]' });
  });

  it('bg_bash ready by pattern publishes a ready notice the model reads with kind="ready"', async () => {
    const { executor, tools, signal } = setup();
    await tools.handle(
      'bg_bash',
      {
        id: 'dev',
        command: 'echo compiling; sleep 0.2; echo "Local: http://127.0.0.1:5173/"; sleep 30',
        ready: { pattern: 'Local:' },
      },
      signal,
    );
    const notice = await executor.bus.consumer('model').next();
    const text = formatNotices([notice]);
    expect(text).toContain(
      '<bg_notice id="dev" kind="ready" state="running" ready="pattern" match="Local: http://127.0.0.1:5173/"',
    );
    expect(parseNotices(text)).toMatchObject([
      { jobId: 'dev', kind: 'ready', state: 'running', tail: 'Local: http://127.0.0.1:5173/' },
    ]);
  });
});
