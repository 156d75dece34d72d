// The sandbox option in core, on the virtual runtime: how a spec resolves to what the runtime
// enforces (cwd first, relative and ~ paths, default denies, the executor's default and a job's
// opt-out), which output lines count as a refusal, and validation.
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { BackgroundExecutor } from './executor.ts';
import { DEFAULT_DENY_READ, resolveSandbox, SandboxUnavailableError, sandboxViolations } from './sandbox.ts';

describe('resolveSandbox', () => {
  const context = { cwd: '/work/repo', home: '/home/u' };

  test('true: the cwd writable, the default denies with ~ as HOME and relative to the cwd, no network', () => {
    const s = resolveSandbox(true, undefined, context);
    expect(s?.allowWrite).toEqual(['/work/repo']);
    expect(s?.denyRead).toContain('/home/u/.ssh');
    expect(s?.denyRead).toContain('/work/repo/.env');
    expect(s?.denyRead).toHaveLength(DEFAULT_DENY_READ.length);
    expect(s?.network).toBe('off');
    expect(s?.allowPorts).toEqual([]);
  });

  test('paths are made absolute and normalized; ~ paths are dropped without a HOME', () => {
    const s = resolveSandbox({ allowWrite: ['../cache', '/data/./x/'], denyRead: ['~/.vault', 'secrets'] }, undefined, {
      cwd: '/work/repo',
    });
    expect(s?.allowWrite).toEqual(['/work/repo', '/work/cache', '/data/x']);
    expect(s?.denyRead).toContain('/work/repo/secrets');
    expect(s?.denyRead.some((p) => p.includes('.vault') || p.includes('.ssh'))).toBe(false);
  });

  test("a job's own sandbox wins over the default; false opts out; replaceDefaultDenyRead drops the defaults", () => {
    expect(resolveSandbox(false, true, context)).toBeUndefined();
    expect(resolveSandbox(undefined, true, context)?.network).toBe('off');
    expect(resolveSandbox(undefined, undefined, context)).toBeUndefined();
    const own = resolveSandbox({ network: 'host', replaceDefaultDenyRead: true, denyRead: ['x'] }, { allowPorts: [1] }, context);
    expect(own).toEqual({ allowWrite: ['/work/repo'], denyRead: ['/work/repo/x'], network: 'host', allowPorts: [] });
  });
});

describe('sandboxViolations', () => {
  test.each([
    ['sh: 1: cannot create /etc/x: Read-only file system', /a write outside the allowed paths/],
    ["Error: EROFS: read-only file system, open '/usr/x'", /a write outside/],
    ['cat: /home/u/.ssh/id_rsa: Permission denied', /a read of a denied path/],
    ['curl: (6) Could not resolve host: example.com', /network connection/],
    ['connect ECONNREFUSED 127.0.0.1:5432', /a port not allowed/],
  ])('%s', (line, says) => {
    expect(sandboxViolations(`before\n${line}\nafter`)).toMatch(says);
  });

  test('ordinary output is no violation', () => {
    expect(sandboxViolations('compiled 12 files\nall tests passed')).toBeUndefined();
  });
});

describe('the executor with a sandbox, on the virtual runtime', () => {
  test('spawns with the resolved sandbox, the job cwd first; an unsandboxed job spawns with none', async () => {
    const runtime = createVirtualRuntime({ env: { HOME: '/home/u', PATH: '/bin' } });
    const executor = new BackgroundExecutor(runtime, { sandbox: { allowPorts: [5432] } });
    const a = executor.submit({ command: 'echo a', cwd: '/w' });
    const b = executor.submit({ command: 'echo b', cwd: '/w', sandbox: false });
    await executor.wait([a.id, b.id]);
    expect(runtime.sandboxes[0]?.allowWrite).toEqual(['/w']);
    expect(runtime.sandboxes[0]?.allowPorts).toEqual([5432]);
    expect(runtime.sandboxes[0]?.denyRead).toContain('/home/u/.ssh');
    expect(runtime.sandboxes[1]).toBeUndefined();
    await executor.close();
  });

  test('a bad sandbox is refused at submit with what is valid, and a runtime without one throws SandboxUnavailableError', () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    expect(() => executor.submit({ command: 'true', sandbox: { network: 'wifi' } as never })).toThrow(/sandbox/);
    expect(() => executor.submit({ command: 'true', sandbox: { allowPorts: [0] } })).toThrow(/sandbox/);
    const { sandboxProblem: _, ...without } = runtime;
    let error: unknown;
    try {
      new BackgroundExecutor(without, { sandbox: true });
    } catch (e) {
      error = e;
    }
    expect(SandboxUnavailableError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/the virtual runtime has no sandbox; no job is run unsandboxed/);
  });
});
