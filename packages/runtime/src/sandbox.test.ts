// The OS sandbox (bubblewrap) with real processes on this runtime: writes only where allowed,
// denied reads, no network but the loopback ports allowed, readiness by port inside the job's
// network, and nothing left alive after the job, a kill or close(), even `setsid env -i`.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';
import { BackgroundExecutor, formatNotice, type Notice, SandboxUnavailableError } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { afterEach, describe, expect, test } from 'vitest';
import { sandboxProblem } from './internal/sandbox-check.ts';

const runtime = createRuntime();
const executors: BackgroundExecutor[] = [];
const servers: Server[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close({ killGraceMs: 100 })));
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(options: ConstructorParameters<typeof BackgroundExecutor>[1] = {}) {
  const executor = new BackgroundExecutor(runtime, { killGraceMs: 300, ...options });
  executors.push(executor);
  // Not under /tmp: a sandboxed job has a private /tmp, where a write "outside" would succeed
  // unseen by the host.
  const dir = mkdtempSync('/var/tmp/bgtasks-sandbox-');
  dirs.push(dir);
  const cwd = join(dir, 'work');
  mkdirSync(cwd);
  return { executor, dir, cwd };
}

async function finalNotice(executor: BackgroundExecutor, id: string): Promise<Notice> {
  await executor.wait([id]);
  const notice = executor.bus.history().find((n) => n.jobId === id && (n.kind ?? 'final') === 'final');
  if (!notice) throw new Error(`no final notice for ${id}`);
  return notice;
}

/** Pids of live processes whose command line is exactly `sleep <seconds>`. */
function sleepers(seconds: number): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\0${seconds}\0`) pids.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function until(check: () => boolean, withinMs = 5_000): Promise<boolean> {
  const end = performance.now() + withinMs;
  while (!check()) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

function listen(reply: string): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer((s) => s.end(reply)).listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
    servers.push(server);
  });
}

/** A job command that connects to 127.0.0.1:port with sh alone and prints what it read. */
function readPort(port: number): string {
  return `exec 3<>/dev/tcp/127.0.0.1/${port} 2>/dev/null && cat <&3 || echo "connect ${port}: Connection refused"`;
}

describe('a sandboxed job', () => {
  test('writes in its cwd and /tmp, not elsewhere, and its notice says the write was blocked', async () => {
    const { executor, dir, cwd } = setup();
    const outside = join(dir, 'outside.txt');
    const job = executor.submit({
      command: `echo in > inside.txt; echo t > /tmp/t && echo tmp-ok; echo out > ${outside}; echo done`,
      cwd,
      sandbox: true,
    });
    const notice = await finalNotice(executor, job.id);
    expect(readFileSync(join(cwd, 'inside.txt'), 'utf8')).toBe('in\n');
    expect(existsSync(outside)).toBe(false);
    expect(notice.tail).toContain('tmp-ok');
    expect(notice.tail).toMatch(/Read-only file system/);
    expect(notice.sandbox).toMatch(/write outside the allowed paths/);
    expect(formatNotice(notice)).toMatch(/\nsandbox: blocked: a write outside/);
  });

  test('writes to a path allowed by allowWrite', async () => {
    const { executor, dir, cwd } = setup();
    const extra = join(dir, 'extra');
    mkdirSync(extra);
    const job = executor.submit({ command: `echo yes > ${extra}/f`, cwd, sandbox: { allowWrite: [extra] } });
    expect((await finalNotice(executor, job.id)).state).toBe('completed');
    expect(readFileSync(join(extra, 'f'), 'utf8')).toBe('yes\n');
  });

  test('cannot read ~/.ssh, .env or a denied file, even inside its writable cwd', async () => {
    const { executor, cwd } = setup();
    const home = join(cwd, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'id_rsa'), 'SECRET-KEY');
    writeFileSync(join(cwd, '.env'), 'TOKEN=SECRET-ENV');
    writeFileSync(join(cwd, 'notes.txt'), 'SECRET-NOTES');
    writeFileSync(join(cwd, 'readme.txt'), 'public');
    const job = executor.submit({
      command: 'cat ~/.ssh/id_rsa; cat .env; cat notes.txt; cat readme.txt',
      cwd,
      env: { HOME: home },
      sandbox: { denyRead: ['notes.txt'] },
    });
    const notice = await finalNotice(executor, job.id);
    expect(notice.tail).not.toContain('SECRET');
    expect(notice.tail).toContain('public');
    expect(notice.tail.match(/Permission denied/g)?.length).toBe(3);
    expect(notice.sandbox).toMatch(/read of a denied path/);
  });

  test('cannot connect to a denied Unix socket (connecting needs no write access)', async () => {
    const { executor, cwd } = setup();
    const path = join(cwd, 'agent.sock');
    const server = createServer((s) => s.end('socket-secret')).listen(path);
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    const connect = `node -e "require('net').connect('${path}').on('data', (d) => console.log(String(d))).on('error', (e) => console.log(e.code))"`;
    const open = executor.submit({ command: connect, cwd, sandbox: true });
    const denied = executor.submit({ command: connect, cwd, sandbox: { denyRead: ['agent.sock'] } });
    expect((await finalNotice(executor, open.id)).tail).toContain('socket-secret');
    const notice = await finalNotice(executor, denied.id);
    expect(notice.tail).not.toContain('socket-secret');
    expect(notice.tail).toMatch(/ECONNREFUSED|EACCES/);
  });

  test('reaches an allowed loopback port and not another one', async () => {
    const { executor, cwd } = setup();
    const allowed = await listen('hello-allowed');
    const other = await listen('hello-other');
    const job = executor.submit({
      command: `bash -c '${readPort(allowed)}'; bash -c '${readPort(other)}'`,
      cwd,
      sandbox: { allowPorts: [allowed] },
    });
    const notice = await finalNotice(executor, job.id);
    expect(notice.tail).toContain('hello-allowed');
    expect(notice.tail).not.toContain('hello-other');
    expect(notice.sandbox).toMatch(/port not allowed/);
  });

  test('is ready by port when it listens inside its own network', async () => {
    const { executor, cwd } = setup();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = `node -e "require('net').createServer().listen(${port}, '127.0.0.1')"`;
    const job = executor.submit({ command: `sleep 0.2; ${server}`, cwd, sandbox: true, ready: { port } });
    const ready = await executor.waitFor(job.id, { port, timeoutMs: 10_000 });
    expect(ready.met).toBe('port');
    await executor.kill(job.id);
  });

  test.each([
    ['its end', 'sleep 0.2', async () => {}],
    ['kill()', 'sleep 300', async (e: BackgroundExecutor, id: string) => void (await e.kill(id))],
    ['close()', 'sleep 300', async (e: BackgroundExecutor) => e.close()],
  ])('leaves no `setsid env -i` escapee after %s', async (_, rest, end) => {
    const { executor, cwd } = setup();
    const seconds = 3000 + Math.floor(Math.random() * 900);
    const job = executor.submit({ command: `setsid env -i sh -c 'sleep ${seconds} &'; ${rest}`, cwd, sandbox: true });
    expect(await until(() => sleepers(seconds).length > 0)).toBe(true);
    await end(executor, job.id);
    await executor.wait([job.id]);
    expect(await until(() => sleepers(seconds).length === 0, 2_000)).toBe(true);
  });

  test("a child's TERM handler gets the kill grace inside the sandbox", async () => {
    const { cwd } = setup();
    const executor = new BackgroundExecutor(runtime, { killGraceMs: 5_000 });
    executors.push(executor);
    const job = executor.submit({
      command: `sh -c 'trap "sleep 0.3; echo yes > cleaned; exit 0" TERM; echo ready; while :; do sleep 0.05; done' & wait`,
      cwd,
      sandbox: true,
    });
    while (!executor.output(job.id).text.includes('ready')) await runtime.sleep(20);
    const ended = await executor.kill(job.id);
    expect(ended.state).toBe('killed');
    expect(existsSync(join(cwd, 'cleaned')) && readFileSync(join(cwd, 'cleaned'), 'utf8')).toBe('yes\n');
    expect(ended.forced).toBeUndefined();
  });

  test('keeps its full log and a scrubbed environment', async () => {
    const { dir, cwd } = setup();
    const executor = new BackgroundExecutor(runtime, { logs: { dir: join(dir, 'logs') } });
    executors.push(executor);
    process.env.BGTASKS_SANDBOX_TEST_TOKEN = 'tok-secret';
    let job: { id: string };
    try {
      job = executor.submit({ command: 'seq 1 20000; env | grep -c SANDBOX_TEST_TOKEN', cwd, sandbox: true, log: true });
      await executor.wait([job.id]);
    } finally {
      delete process.env.BGTASKS_SANDBOX_TEST_TOKEN;
    }
    const ended = executor.get(job.id);
    // The log reaches the disk after the job's end (and under load its file may not be open yet).
    const onDisk = () => (existsSync(ended.log?.path ?? '') ? readFileSync(ended.log?.path ?? '').length : 0);
    for (let i = 0; i < 100 && (ended.log?.bytes ?? 0) > onDisk(); i++) await runtime.sleep(20);
    const log = readFileSync(ended.log?.path ?? '', 'utf8');
    expect(log.startsWith('1\n2\n3\n')).toBe(true);
    expect(log.endsWith('\n20000\n0\n')).toBe(true);
  });

  test('keeps stdin, timeout and exit codes', async () => {
    const { executor, cwd } = setup();
    const piped = executor.submit({ command: 'read line; echo "got $line"; exit 3', cwd, sandbox: true, stdin: 'pipe' });
    await executor.write(piped.id, 'hi\n');
    const notice = await finalNotice(executor, piped.id);
    expect(notice.tail).toContain('got hi');
    expect(notice.exitCode).toBe(3);
    const slow = executor.submit({ command: 'sleep 300', cwd, sandbox: true, timeoutMs: 300 });
    expect((await finalNotice(executor, slow.id)).state).toBe('timed_out');
  });
});

describe('the sandbox option', () => {
  test('is the executor default, and sandbox: false opts a job out', async () => {
    const { executor, dir, cwd } = setup({ sandbox: true });
    const inside = executor.submit({ command: `echo x > ${dir}/a`, cwd });
    const outside = executor.submit({ command: `echo x > ${dir}/b`, cwd, sandbox: false });
    await executor.wait([inside.id, outside.id]);
    expect(existsSync(join(dir, 'a'))).toBe(false);
    expect(existsSync(join(dir, 'b'))).toBe(true);
  });

  test('an unsandboxed job is unchanged: it writes anywhere its user can, with no sandbox line', async () => {
    const { executor, dir, cwd } = setup();
    const job = executor.submit({ command: `echo x > ${dir}/c; echo bad > /proc/nope`, cwd });
    const notice = await finalNotice(executor, job.id);
    expect(existsSync(join(dir, 'c'))).toBe(true);
    expect(notice.sandbox).toBeUndefined();
  });

  test('says what is missing and how to install it: no bwrap on PATH, not Linux, namespaces refused', () => {
    const wanted = { allowWrite: ['/'], denyRead: [], network: 'off' as const, allowPorts: [] };
    const run = (file: string, args: string[]) => {
      const r = spawnSync(file, args, { encoding: 'utf8' });
      return { code: r.status, stderr: r.stderr };
    };
    expect(sandboxProblem(wanted, '/nonexistent', run)).toMatch(
      /bubblewrap \(bwrap\) is not on PATH.*apt-get install bubblewrap/,
    );
    expect(sandboxProblem(wanted, '/usr/bin:/bin', run, 'darwin')).toMatch(/macOS/);
    expect(sandboxProblem(wanted, '/usr/bin:/bin', run)).toBeUndefined();
    // A bwrap that cannot make namespaces: a stand-in that fails as bwrap does.
    const dir = mkdtempSync('/var/tmp/bgtasks-fake-bwrap-');
    dirs.push(dir);
    writeFileSync(join(dir, 'bwrap'), '#!/bin/sh\necho "bwrap: No permissions to creating new namespace" >&2\nexit 1\n', {
      mode: 0o755,
    });
    expect(sandboxProblem(wanted, dir, run)).toMatch(
      /cannot create the namespaces it needs \(bwrap: No permissions to creating new namespace\); enable unprivileged user namespaces/,
    );
  });

  test('an executor whose runtime cannot sandbox throws SandboxUnavailableError, at start and at submit', () => {
    const noSandbox = { ...runtime, sandboxProblem: () => 'bubblewrap (bwrap) is not on PATH; apt-get install bubblewrap' };
    let error: unknown;
    try {
      new BackgroundExecutor(noSandbox, { sandbox: true });
    } catch (e) {
      error = e;
    }
    expect(SandboxUnavailableError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/apt-get install bubblewrap/);
    const executor = new BackgroundExecutor(noSandbox);
    executors.push(executor);
    expect(() => executor.submit({ command: 'true', sandbox: true })).toThrow(/apt-get install bubblewrap/);
    expect(executor.list()).toEqual([]);
  });
});
