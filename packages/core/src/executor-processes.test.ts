// Executor behaviour with real processes, on whichever runtime runs the suite.
import { createRuntime } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { BackgroundExecutor } from './executor.ts';
import { realExecutors } from './real-executors.test-helper.ts';

const { make, track } = realExecutors();

async function run(executor: BackgroundExecutor, command: string, extra: { cwd?: string; timeoutMs?: number } = {}) {
  const job = executor.submit({ command, ...extra });
  await executor.wait([job.id]);
  return { job: executor.get(job.id), text: executor.output(job.id, { limit: 1 << 20 }).text };
}

/** "gone" when no process has `pid`, or it is a zombie. */
async function processState(executor: BackgroundExecutor, pid: number): Promise<string> {
  const probe = `s=$(ps -o stat= -p ${pid} 2>/dev/null); case "$s" in ""|Z*) echo gone;; *) echo alive;; esac`;
  return (await run(executor, probe)).text.trim();
}

describe('BackgroundExecutor with real processes', () => {
  test('a command that succeeds completes with its output', async () => {
    const { job, text } = await run(make(), 'echo hello; echo oops >&2');
    expect(job).toMatchObject({ state: 'completed', exitCode: 0 });
    expect(text.split('\n').sort()).toEqual(['', 'hello', 'oops']);
  });

  test('a non-zero exit fails with its exit code', async () => {
    const { job } = await run(make(), 'exit 3');
    expect(job).toMatchObject({ state: 'failed', exitCode: 3, signal: null });
  });

  test('a job ends when its process exits, not when a background child closes the pipe', async () => {
    const executor = make();
    const started = performance.now();
    const { job, text } = await run(executor, 'sleep 30 & echo hi');
    expect(job.state).toBe('completed');
    expect(text).toBe('hi\n');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  test('stdin is /dev/null, so a command reading input does not hang', async () => {
    const { job } = await run(make(), 'cat; read x; echo "read:$x"');
    expect(job.state).toBe('completed');
  });

  test('kill ends the whole group, including a grandchild that ignores SIGTERM', async () => {
    const executor = make();
    const job = executor.submit({
      command: `trap '' TERM; (trap '' TERM; exec sleep 60) & echo $!; wait`,
    });
    let grandchild = 0;
    while (grandchild === 0) {
      grandchild = Number.parseInt(executor.output(job.id).text, 10) || 0;
      await executor.runtime.sleep(20);
    }
    const killed = await executor.kill(job.id);
    expect(killed.state).toBe('killed');
    expect(killed.forced).toBe(true);
    expect(await processState(executor, grandchild)).toBe('gone');
  });

  test('a timeout kills the process group and ends the job timed_out', async () => {
    const executor = make();
    const started = performance.now();
    const { job } = await run(executor, 'sleep 30', { timeoutMs: 200 });
    expect(job.state).toBe('timed_out');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  test('the job runs in its own process group', async () => {
    const executor = make();
    const job = executor.submit({ command: 'ps -o pgid= -p $$' });
    await executor.wait([job.id]);
    expect(Number(executor.output(job.id).text.trim())).toBe(executor.get(job.id).pid);
  });

  test('cwd is respected and a missing cwd fails with a message', async () => {
    const executor = make();
    expect((await run(executor, 'pwd', { cwd: '/tmp' })).text.trim()).toBe('/tmp');
    const missing = await run(executor, 'pwd', { cwd: '/nonexistent/bgtasks' });
    expect(missing.job.state).toBe('failed');
    expect(missing.text).toMatch(/bgtasks: could not start the job|No such file|ENOENT|not found/i);
  });

  test('the job environment drops secrets and disables pagers and prompts', async () => {
    const real = createRuntime();
    const runtime = { ...real, env: () => ({ ...real.env(), ANTHROPIC_API_KEY: 'sk-test', GH_TOKEN: 'ghp', DB_PASSWORD: 'pw' }) };
    const executor = track(
      new BackgroundExecutor(runtime, { env: { BGTASKS_DEMO_TOKEN: 'set-explicitly' }, allowEnv: ['GH_TOKEN'] }),
    );
    const { text } = await run(
      executor,
      'echo "pager=$PAGER git=$GIT_TERMINAL_PROMPT key=$ANTHROPIC_API_KEY db=$DB_PASSWORD gh=$GH_TOKEN tok=$BGTASKS_DEMO_TOKEN"',
    );
    expect(text.trim()).toBe('pager=cat git=0 key= db= gh=ghp tok=set-explicitly');
  });

  test('large output keeps head and tail with an exact omitted count', async () => {
    const executor = make({ outputLimit: { headBytes: 1000, tailBytes: 1000 } });
    const { job } = await run(executor, 'head -c 1000000 /dev/zero; echo; echo END');
    expect(job.output).toEqual({ bytes: 1_000_005, omittedBytes: 1_000_005 - 2000, truncated: true });
    expect(executor.tail(job.id)).toMatch(/END$/);
  });

  test('a UTF-8 character split across two writes decodes whole', async () => {
    const { text } = await run(make(), `printf '\\342\\202'; sleep 0.1; printf '\\254\\n'`);
    expect(text).toBe('€\n');
  });

  test('invalid bytes, NUL, ANSI escapes and CRLF come through without throwing', async () => {
    const { job, text } = await run(make(), `printf 'a\\377\\000\\033[31mred\\033[0m\\r\\n'`);
    expect(job.state).toBe('completed');
    expect(text).toBe('a\uFFFD\u0000\u001b[31mred\u001b[0m\r\n');
  });

  test('close kills every live job group', async () => {
    const executor = make();
    const job = executor.submit({ command: 'sleep 60 & echo $!; wait' });
    let pid = 0;
    while (pid === 0) {
      pid = Number.parseInt(executor.output(job.id).text, 10) || 0;
      await executor.runtime.sleep(20);
    }
    await executor.close({ killGraceMs: 200 });
    expect(executor.get(job.id).state).toBe('killed');
    expect(await processState(make(), pid)).toBe('gone');
  });
});
