#!/usr/bin/env node
// bgtasks-mcp: binds the MCP server to this process (argv, stdio, signals, exit code).
import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { BackgroundExecutor, checkSandbox, type DurableOptions, SandboxUnavailableError, StateDirError } from '@bgtasks/core';
import { createDurableStore, createJobRegistry, createRuntime, defaultStateRoot } from '@bgtasks/runtime';
import { HELP, type McpCliOptions, parseMcpArgs } from './args.ts';
import { checkToken } from './bearer.ts';
import { createMcpServer, MCP_SERVER_VERSION } from './create-server.ts';
import { McpUsageError } from './errors.ts';
import { serveMcpHttp } from './http.ts';
import { LineTransport } from './line-transport.ts';
import { createStatelessMcpServer } from './stateless-tools.ts';

function fail(message: string): never {
  process.stderr.write(`bgtasks-mcp: ${message}\n`);
  process.exit(2);
}

let options: McpCliOptions;
try {
  options = parseMcpArgs(process.argv.slice(2));
} catch (error) {
  if (McpUsageError.isInstance(error)) fail(error.message);
  throw error;
}
if (options.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (options.version) {
  process.stdout.write(`bgtasks-mcp ${MCP_SERVER_VERSION}\n`);
  process.exit(0);
}

let cwdRoot: string;
try {
  cwdRoot = realpathSync(resolve(options.cwd));
} catch {
  fail(`--cwd: "${options.cwd}" does not exist`);
}
// A file here would start the server and fail every job; say so now instead.
if (!statSync(cwdRoot).isDirectory()) fail(`--cwd: "${options.cwd}" is not a directory`);

const runtime = createRuntime();
try {
  checkSandbox(runtime, options.sandbox);
} catch (error) {
  if (!SandboxUnavailableError.isInstance(error)) throw error;
  process.stderr.write(`bgtasks-mcp: --sandbox: ${error.message}\n`);
  process.exit(1);
}
// Running job groups are recorded, so a server that died without cleaning up (kill -9) has its
// leftovers killed by the next one; the directory is the one bgtasks-agent uses.
const registryDir = join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'bgtasks', 'jobs');
let registry: ReturnType<typeof createJobRegistry> | undefined;
try {
  registry = createJobRegistry({ dir: registryDir });
} catch (error) {
  process.stderr.write(`bgtasks-mcp: no job registry (${error instanceof Error ? error.message : String(error)}); continuing\n`);
}
// Over stdio, jobs are durable (docs/durable-jobs.md): the client restarts this server (a
// reconnect, an update, a crash) and a 20-minute build should survive that. The state directory
// is per --cwd; a second live server in the same --cwd takes the next free one.
let durable: DurableOptions | undefined;
if (options.durable) {
  const base = options.stateDir ?? join(defaultStateRoot(), `mcp-${cwdSlug(cwdRoot)}`);
  const tries = options.stateDir !== undefined ? [base] : [base, ...[2, 3, 4, 5, 6, 7, 8].map((n) => `${base}-${n}`)];
  for (const dir of tries) {
    try {
      durable = { store: createDurableStore({ dir }) };
      break;
    } catch (error) {
      if (!StateDirError.isInstance(error)) throw error;
      // Held by another live server: the next slot. Anything else (ownership, mode): refused.
      if (dir !== tries.at(-1) && /is in use by/.test(error.message)) continue;
      process.stderr.write(`bgtasks-mcp: ${error.message}\n`);
      process.exit(1);
    }
  }
}

/** `<basename>-<hash of the path>`: readable, and distinct for two checkouts of one name. */
function cwdSlug(path: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193) >>> 0;
  const name = (path.split('/').at(-1) || 'root').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40);
  return `${name}-${h.toString(16).padStart(8, '0')}`;
}

// Each session (2025-11-25) gets its own executor: its jobs are its own, and die with it; the
// stateless revision (2026-07-28) has no session, so its requests share one executor of the
// server. Each executor's shutdown hook kills its job groups on SIGINT/SIGTERM (exit 130/143).
const newExecutor = () =>
  new BackgroundExecutor(runtime, {
    cwdRoot,
    ...(options.sandbox !== undefined ? { sandbox: options.sandbox } : {}),
    ...(registry ? { registry } : {}),
    maxConcurrent: options.maxConcurrent,
    defaultTimeoutMs: Math.round(options.timeoutS * 1000),
    // Full logs (bg_bash log: true) next to the registry, capped and removed after a day.
    logs: { dir: join(registryDir, '..', 'logs') },
    ...(durable ? { durable } : {}),
  });
// A durable executor's notices ride a named consumer, so its acks carry over to the next server.
const session = (executor = newExecutor()) =>
  createMcpServer({ executor, notices: options.notices, ...(durable ? { noticeConsumer: 'mcp' } : {}) });

if (options.http) {
  // The token: --token, else BGTASKS_MCP_TOKEN (not visible to other users, unlike argv), else a
  // fresh one printed below; null only when --insecure-no-token says so.
  let token: string | null | undefined;
  try {
    const fromEnv = process.env.BGTASKS_MCP_TOKEN;
    token = options.insecureNoToken
      ? null
      : (options.token ?? (fromEnv !== undefined && fromEnv !== '' ? checkToken(fromEnv, 'BGTASKS_MCP_TOKEN') : undefined));
  } catch (error) {
    if (McpUsageError.isInstance(error)) fail(error.message);
    throw error;
  }
  let http: Awaited<ReturnType<typeof serveMcpHttp>>;
  try {
    http = await serveMcpHttp({
      createSession: () => session(),
      stateless: createStatelessMcpServer({ executor: newExecutor() }).server,
      token,
      port: options.port,
      maxSessions: options.maxSessions,
      sleep: (ms, signal) => runtime.sleep(ms, signal),
    });
  } catch (error) {
    fail(`--port ${options.port}: cannot listen: ${error instanceof Error ? error.message : String(error)}`);
  }
  runtime.onShutdown(() => http.close());
  process.stdout.write(`bgtasks-mcp: serving MCP (Streamable HTTP) at ${http.url}\n`);
  if (http.token === null) {
    process.stderr.write(
      [
        '',
        '!!! bgtasks-mcp: --insecure-no-token: NO AUTHENTICATION. Any user or process on this machine',
        `!!! that can reach ${http.url} can run shell commands as you. Use it only for a test runner.`,
        '',
        '',
      ].join('\n'),
    );
  } else if (token === undefined) {
    process.stdout.write(
      `bgtasks-mcp: bearer token: ${http.token}\n` +
        'bgtasks-mcp: clients must send "Authorization: Bearer <token>" (set BGTASKS_MCP_TOKEN to choose the token)\n',
    );
  } else {
    process.stdout.write('bgtasks-mcp: clients must send "Authorization: Bearer <token>" with the token you gave\n');
  }
} else {
  const executor = newExecutor();
  const mcp = session(executor);
  const stateless = createStatelessMcpServer({ executor }).server;
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
  await mcp.server.connect(new LineTransport({ input: process.stdin, write, raw: mcp.rawArguments, stateless }));
  // The client going away is stdin ending (the transport sees it too; these cover a close without end).
  process.stdin.once('end', () => void mcp.close());
  process.stdin.once('close', () => void mcp.close());
  await mcp.closed;
  process.exit(0);
}
