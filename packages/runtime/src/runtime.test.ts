// The host runtime's own process API: groups, signals, pipes, env. Real processes.

import { createRuntime } from '@bgtasks/runtime';
import { spawnWithChildProcess } from '@bgtasks/runtime/internal';
import { describe, expect, test } from 'vitest';
import { hostRuntimeName } from './host.ts';

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  const decoder = new TextDecoder();
  for await (const chunk of stream) out += decoder.decode(chunk, { stream: true });
  return out + decoder.decode();
}

const runtime = createRuntime();
const spawners = [
  { name: `${hostRuntimeName()} runtime`, spawn: runtime.spawn },
  { name: 'node:child_process fallback', spawn: spawnWithChildProcess },
];

describe.each(spawners)('spawn ($name)', ({ spawn }) => {
  test('runs sh -c as the leader of its own process group', async () => {
    const child = spawn('ps -o pgid= -p $$', { env: runtime.env() });
    const [out, status] = await Promise.all([text(child.stdout), child.exited]);
    expect(Number(out.trim())).toBe(child.pid);
    expect(status).toEqual({ code: 0, signal: null });
  });

  test('exited resolves when the process exits, and output ends although a grandchild holds the pipe', async () => {
    const started = performance.now();
    const child = spawn('sleep 20 & echo early', { env: runtime.env() });
    const [out, status] = await Promise.all([text(child.stdout), child.exited]);
    expect(out).toBe('early\n');
    expect(status.code).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
    child.kill('SIGKILL');
  });

  test('kill signals the whole group', async () => {
    const child = spawn('sleep 30 & sleep 30 & wait', { env: runtime.env() });
    child.kill('SIGTERM');
    const status = await child.exited;
    expect(status).toEqual({ code: null, signal: 'SIGTERM' });
  });

  test('stderr is captured apart from stdout', async () => {
    const child = spawn('echo out; echo err >&2; exit 4', { env: runtime.env() });
    const [out, err, status] = await Promise.all([text(child.stdout), text(child.stderr), child.exited]);
    expect([out, err, status.code]).toEqual(['out\n', 'err\n', 4]);
  });

  test('the environment passed is the whole environment of the child', async () => {
    const child = spawn('echo "$ONLY_THIS-$([ -z "$HOME" ] && echo nohome)"', {
      env: { ONLY_THIS: 'yes', PATH: '/usr/bin:/bin' },
    });
    expect(await text(child.stdout)).toBe('yes-nohome\n');
  });

  test('a missing cwd is reported, not thrown', async () => {
    const child = spawn('true', { cwd: '/nonexistent/bgtasks-cwd', env: runtime.env() });
    const status = await child.exited;
    expect(status.code === 0).toBe(false);
  });
});

describe('runtime basics', () => {
  test('now is monotonic and sleep waits at least the time asked', async () => {
    const a = runtime.now();
    await runtime.sleep(20);
    expect(runtime.now() - a).toBeGreaterThanOrEqual(15);
  });

  test('env is a copy of the host environment', () => {
    const env = runtime.env();
    expect(typeof env.PATH).toBe('string');
    env.PATH = 'changed';
    expect(runtime.env().PATH).not.toBe('changed');
  });
});
