// The host gets SIGINT, SIGTERM or dies of an uncaught error with a job running: every job group
// is killed before it exits. Runs a real host process on the same runtime as the suite.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRuntime } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { taggedGone } from './fixtures/tagged.ts';
import { hostRuntimeName } from './host.ts';

const fixture = fileURLToPath(new URL('./fixtures/host-with-jobs.ts', import.meta.url));

function hostArgs(): string[] {
  switch (hostRuntimeName()) {
    case 'deno':
      return ['run', '-A', '--conditions=@bgtasks/source', fixture];
    case 'bun':
      return ['--conditions=@bgtasks/source', fixture];
    default:
      return ['--conditions=@bgtasks/source', '--import', 'tsx', fixture];
  }
}

/** Gone within `withinMs`: a SIGKILLed process may take a moment to leave the process table. */
async function goneWithin(pid: number, withinMs = 2_000): Promise<boolean> {
  const until = performance.now() + withinMs;
  while (!isGone(pid)) {
    if (performance.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  // kill(0) succeeds on zombies; a zombie is dead.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.startsWith('Z') ?? false;
  } catch {
    return true;
  }
}

// The host is spawned through the runtime under test (Deno's node:child_process reports a signal
// for a child it signalled even when the child exited with a code of its own).
async function runHost(extra: string[], signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP' | null) {
  const runtime = createRuntime();
  const argv = [process.execPath, ...hostArgs(), ...extra].map((a) => `'${a}'`).join(' ');
  const host = runtime.spawn(`exec ${argv}`, { env: runtime.env() });
  const decoder = new TextDecoder();
  let out = '';
  let pid = 0;
  const errText = (async () => {
    let err = '';
    for await (const c of host.stderr) err += decoder.decode(c);
    return err;
  })();
  for await (const chunk of host.stdout) {
    out += decoder.decode(chunk);
    const m = /PID (\d+)/.exec(out);
    if (m) {
      pid = Number(m[1]);
      break;
    }
  }
  if (signal) host.kill(signal);
  const status = await host.exited;
  return { pid, code: status.code, err: await errText };
}

describe('host shutdown kills every job group', () => {
  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('on %s the host exits %i and the job is gone', async (signal, expected) => {
    const { pid, code } = await runHost([], signal);
    expect(code).toBe(expected);
    expect(await goneWithin(pid)).toBe(true);
  });

  test('on an uncaught error the host dies and the job is gone', async () => {
    const { pid, code, err } = await runHost(['--throw'], null);
    expect(code).not.toBe(0);
    expect(err).toMatch(/boom/);
    expect(await goneWithin(pid)).toBe(true);
  });
});

describe('shutdown cannot be cut short', () => {
  // Runs the host until it printed `ready`, then sends `signals` (a moment apart).
  async function runUntil(extra: string[], ready: string, signals: Array<'SIGINT' | 'SIGTERM'>) {
    const runtime = createRuntime();
    const argv = [process.execPath, ...hostArgs(), ...extra].map((a) => `'${a}'`).join(' ');
    const host = runtime.spawn(`exec ${argv}`, { env: runtime.env() });
    const decoder = new TextDecoder();
    let out = '';
    const reading = (async () => {
      for await (const chunk of host.stdout) out += decoder.decode(chunk);
    })();
    while (!out.includes(ready)) {
      if (await Promise.race([host.exited.then(() => true), runtime.sleep(20).then(() => false)])) break;
    }
    for (const s of signals) {
      host.kill(s);
      await runtime.sleep(30);
    }
    const status = await host.exited;
    await reading;
    return { code: status.code, out };
  }

  test('SIGINT during close() of a job that ignores SIGTERM (with an escaped child) leaves nothing alive', async () => {
    const tag = `close-${process.pid}-${Date.now()}`;
    const { code, out } = await runUntil(['--escape', tag, '--close'], 'CLOSING', ['SIGINT']);
    expect(out).toContain('CLOSING');
    expect(code).toBe(130);
    expect(await taggedGone('BGTASKS_ESCAPE_TEST', tag)).toEqual([]);
  });

  test('a second SIGINT during shutdown forces every hook and exits; nothing is left alive', async () => {
    const tag = `force-${process.pid}-${Date.now()}`;
    const { code, out } = await runUntil(['--escape', tag, '--slow-hook'], 'PID', ['SIGINT', 'SIGINT']);
    expect(out).toContain('FORCE');
    expect(code).toBe(130);
    expect(await taggedGone('BGTASKS_ESCAPE_TEST', tag)).toEqual([]);
  });
});
