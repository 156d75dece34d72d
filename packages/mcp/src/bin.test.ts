// bgtasks-mcp as a subprocess on the runtime the suite runs on: the SDK's Client over stdio (and
// over --http), tasks, notices, SIGTERM and stdin close kill every job, flags and --help.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, test } from 'vitest';
import { MCP_FLAGS } from './args.ts';
import { eventually, gate, marker, sleepers, streamTask, textOf } from './test-kit.ts';

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';
const env: Record<string, string> = {
  ...createRuntime().env(),
  XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'bgtasks-mcp-state-')),
};

/** The command line that runs the bin's source on this runtime (with the source condition; tsx on Node). */
function commandLine(args: readonly string[]): [string, string[]] {
  return runtimeCommand(runtime, bin, args);
}

function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = commandLine(args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: number }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

async function stdioClient(args: readonly string[] = [], extraEnv: Record<string, string> = {}) {
  const [command, argv] = commandLine(args);
  const transport = new StdioClientTransport({
    command,
    args: argv,
    env: { ...env, ...extraEnv },
    stderr: 'pipe',
    cwd: mkdtempSync(join(tmpdir(), 'bgtasks-mcp-')),
  });
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
}

describe.concurrent(`bgtasks-mcp over stdio on ${runtime}`, () => {
  test('lists tools, runs a task to its result, and a plain job notice rides the next result once', async () => {
    const { client } = await stdioClient(['--max-concurrent', '2']);
    try {
      const { tools } = await client.listTools();
      expect(tools.find((t) => t.name === 'bg_bash')?.execution?.taskSupport).toBe('optional');
      const g = gate();
      const run = await streamTask(client, { command: `${g.wait}; echo via-stdio`, id: 'st' }, undefined, g.open);
      expect(run.types).toEqual(expect.arrayContaining(['taskCreated', 'taskStatus', 'result']));
      expect(run.statuses[0]).toBe('working');
      expect(textOf(run.result)).toMatch(/<bg_notice id="st" state="completed" exit_code="0"[^>]*>\nvia-stdio/);
      expect((await client.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).toEqual([run.task.taskId]);

      const started = await call(client, 'bg_bash', { command: 'echo plain', id: 'plain' });
      expect(textOf(started)).toMatch(/^started job "plain"/);
      let seen = '';
      await eventually(async () => {
        seen = textOf(await call(client, 'check_bg', { id: 'none' }));
        return /<bg_notice id="plain"/.test(seen);
      });
      expect(textOf(await call(client, 'check_bg', { id: 'none' }))).not.toMatch(/<bg_notice/);
    } finally {
      await client.close();
    }
  });

  test('jobs run in --cwd and may not leave it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-mcp-cwd-'));
    const { client } = await stdioClient(['--cwd', dir]);
    try {
      const run = await streamTask(client, { command: 'pwd' });
      expect(textOf(run.result)).toContain(dir);
      const outside = await call(client, 'bg_bash', { command: 'true', cwd: '/' });
      expect(outside.isError).toBe(true);
      expect(textOf(outside)).toMatch(/cwd/);
    } finally {
      await client.close();
    }
  });

  test('cancelTask leaves no process of the job', async () => {
    const { client } = await stdioClient();
    try {
      const m = marker();
      const stream = client.experimental.tasks.callToolStream(
        { name: 'bg_bash', arguments: { command: `sleep ${m}` } },
        undefined,
        { task: {} },
      );
      const first = await stream.next();
      const taskId = (first.value as { task: { taskId: string } }).task.taskId;
      await eventually(() => sleepers(m).length === 1);
      expect((await client.experimental.tasks.cancelTask(taskId)).status).toBe('cancelled');
      await eventually(() => sleepers(m).length === 0, 2_000);
      await stream.return(undefined);
    } finally {
      await client.close();
    }
  });

  test.each([['the client closing stdin'], ['SIGTERM'], ['SIGINT']])('%s kills every job group (--no-durable)', async (how) => {
    const { client, transport } = await stdioClient(['--no-durable']);
    const m = marker();
    await call(client, 'bg_bash', { command: `sleep ${m} & sleep ${m}; wait` });
    await eventually(() => sleepers(m).length === 2);
    const pid = transport.pid as number;
    if (how === 'SIGTERM' || how === 'SIGINT') {
      await createRuntime().spawn(`kill -${how.slice(3)} ${pid}`).exited;
      await eventually(() => sleepers(m).length === 0);
      await client.close();
    } else {
      await client.close();
      await eventually(() => sleepers(m).length === 0);
    }
    expect(sleepers(m)).toEqual([]);
  });

  test('jobs of a server killed outright (SIGKILL) are reaped by the next server (--no-durable)', async () => {
    // A state directory of its own: a server of a concurrent test would reap the leftover first.
    const state = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'bgtasks-mcp-state-')) };
    const first = await stdioClient(['--no-durable'], state);
    const m = marker();
    await call(first.client, 'bg_bash', { command: `sleep ${m}` });
    await eventually(() => sleepers(m).length === 1);
    const pid = first.transport.pid as number;
    await createRuntime().spawn(`kill -KILL ${pid}`).exited;
    await first.client.close().catch(() => {});
    await eventually(() => !existsSync(`/proc/${pid}`));
    expect(sleepers(m)).toHaveLength(1);
    const next = await stdioClient(['--no-durable'], state);
    try {
      await eventually(() => sleepers(m).length === 0);
    } finally {
      await next.client.close();
    }
  });

  test('a stdin line over 10 MiB gets an error and the server lives on, its jobs too', async () => {
    const [cmd, argv] = commandLine([]);
    const child = spawn(cmd, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
      const init = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } };
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: init });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      const m = marker();
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'bg_bash', arguments: { command: `sleep ${m}` } } });
      await eventually(() => sleepers(m).length === 1, 20_000);
      const huge = `{"jsonrpc":"2.0","id":3,"method":"ping","params":{"pad":"${'x'.repeat(11 * 1024 * 1024)}"}}\n`;
      child.stdin.write(huge);
      send({ jsonrpc: '2.0', id: 4, method: 'ping' });
      await eventually(() => out.includes('"id":4'), 20_000);
      expect(out).toMatch(/"code":-32600,"message":"Invalid Request: message over 10485760 bytes/);
      expect(child.exitCode).toBeNull();
      expect(sleepers(m)).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('garbage on stdin is skipped and the server answers the next message', async () => {
    const [cmd, argv] = commandLine([]);
    const child = spawn(cmd, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const init = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } };
    child.stdin.write('this is not json\n{"jsonrpc":"2.0"}\n[1,2,3]\n');
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'initialize', params: init })}\n`);
    await eventually(() => out.includes('"id":7'), 20_000);
    const reply = JSON.parse(out.trim().split('\n').at(-1) as string);
    expect(reply).toMatchObject({ id: 7, result: { serverInfo: { name: 'bgtasks' } } });
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  test('--http serves Streamable HTTP on loopback at the printed URL; SIGTERM kills the jobs', async () => {
    const [cmd, argv] = commandLine(['--http']);
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      await eventually(() => /bearer token: \S+/.test(out), 20_000);
      const url = out.match(/http:\/\/127\.0\.0\.1:\d+\/mcp/)?.[0] as string;
      const token = out.match(/bearer token: (\S+)/)?.[1] as string;
      expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(401);
      const client = new Client({ name: 'http-test', version: '1.0.0' });
      const headers = { authorization: `Bearer ${token}` };
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
      const run = await streamTask(client, { command: 'echo over-http' });
      expect(textOf(run.result)).toMatch(/over-http/);
      const m = marker();
      await call(client, 'bg_bash', { command: `sleep ${m}` });
      await eventually(() => sleepers(m).length === 1);
      const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code} ${signal}`)));
      child.kill('SIGTERM');
      // Deno's node:child_process reports a Deno child's exit status 143 as "killed by SIGTERM"
      // even when the child's own handler ran and exited; what proves the handler ran is that
      // the job is gone (a server killed outright leaves its job groups alive).
      expect(await exited).toMatch(runtime === 'deno' ? /^(143 null|null SIGTERM)$/ : /^143 null$/);
      await eventually(() => sleepers(m).length === 0, 2_000);
      await client.close().catch(() => {});
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe.concurrent(`bgtasks-mcp --http's token on ${runtime}`, () => {
  /** Starts `bgtasks-mcp --http` with `args` and `extraEnv`; its output once the URL is printed, and a stop. */
  async function serveHttp(args: string[], extraEnv: Record<string, string> = {}) {
    const [cmd, argv] = commandLine(['--http', ...args]);
    const child = spawn(cmd, argv, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await eventually(() => /clients must send|NO AUTHENTICATION/.test(stdout + stderr), 20_000);
    const url = stdout.match(/http:\/\/127\.0\.0\.1:\d+\/mcp/)?.[0] as string;
    const ping = (headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      }).then((r) => r.status);
    return { stdout, stderr, ping, stop: () => child.kill('SIGKILL') };
  }

  test('BGTASKS_MCP_TOKEN sets the token, which is then not printed', async () => {
    const chosen = 'chosen-token-0123456789abcdef';
    const s = await serveHttp([], { BGTASKS_MCP_TOKEN: chosen });
    try {
      expect(s.stdout).not.toContain(chosen);
      expect(await s.ping({})).toBe(401);
      expect(await s.ping({ authorization: `Bearer ${chosen}` })).not.toBe(401);
    } finally {
      s.stop();
    }
  });

  test('--insecure-no-token opens the door and says so loudly on stderr', async () => {
    const s = await serveHttp(['--insecure-no-token']);
    try {
      expect(s.stderr).toMatch(/NO AUTHENTICATION.*\n.*can run shell commands as you/);
      expect(s.stdout).not.toMatch(/bearer token/);
      expect(await s.ping({})).not.toBe(401);
    } finally {
      s.stop();
    }
  });
});

describe.concurrent(`bgtasks-mcp flags on ${runtime}`, () => {
  test.each([
    ['an unknown flag', ['--frobnicate'], /Unknown option '--frobnicate'; see --help/],
    ['a bad --max-concurrent', ['--max-concurrent', 'lots'], /--max-concurrent must be a whole number/],
    [
      'a zero --max-concurrent',
      ['--max-concurrent', '0'],
      /--max-concurrent must be a whole number at least 1 and at most 1000, got 0/,
    ],
    ['a bad --timeout', ['--timeout', 'soon'], /--timeout must be a number more than 0 and at most 86400, got "soon"/],
    ['a bad --port', ['--http', '--port', '70000'], /--port must be a whole number at least 0 and at most 65535, got 70000/],
    ['a fractional --max-sessions', ['--http', '--max-sessions', '2.5'], /--max-sessions must be a whole number/],
    ['a --timeout of Infinity', ['--timeout', 'Infinity'], /--timeout must be a number/],
    ['--port without --http', ['--port', '8000'], /--port needs --http/],
    ['--token without --http', ['--token', 'a'.repeat(20)], /--token needs --http/],
    ['a short --token', ['--http', '--token', 'short'], /--token must be at least 16 characters, got 5/],
    ['a --token with a space', ['--http', '--token', 'has a space in it here'], /--token may hold only/],
    ['--token and --insecure-no-token', ['--http', '--token', 'a'.repeat(20), '--insecure-no-token'], /contradict/],
    ['a missing --cwd', ['--cwd', '/nonexistent/bgtasks'], /--cwd: "\/nonexistent\/bgtasks" does not exist/],
    ['a --cwd that is a file', ['--cwd', '/etc/passwd'], /--cwd: "\/etc\/passwd" is not a directory/],
    ['a positional argument', ['serve'], /Unexpected argument 'serve'/],
  ])('%s exits 2 with one line', async (_name, args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('--help lists every flag with its default', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const [flag, value] of [
      ['--http', 'default: stdio'],
      ['--port', 'default: 0'],
      ['--cwd', 'default: .'],
      ['--max-concurrent', 'default: 4'],
      ['--timeout', 'default: 1800'],
      ['--max-sessions', 'default: 16'],
      ['--no-notices', 'default: append'],
      ['--insecure-no-token', 'default: required'],
    ]) {
      expect(r.stdout).toMatch(new RegExp(`${flag} .*\\(${value}`));
    }
    // Every declared flag is in the help, so a flag added to MCP_FLAGS cannot be left out.
    for (const name of Object.keys(MCP_FLAGS)) expect(r.stdout).toContain(`--${name}`);
  });
});
