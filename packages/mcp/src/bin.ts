#!/usr/bin/env node
// bgtasks-mcp: binds the MCP server to this process (argv, stdio, signals, exit code).
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { BackgroundExecutor, checkSandbox, SandboxUnavailableError } from '@bgtasks/core';
import { createJobRegistry, createRuntime } from '@bgtasks/runtime';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { HELP, type McpCliOptions, parseMcpArgs } from './args.ts';
import { createMcpServer, MCP_SERVER_VERSION } from './create-server.ts';
import { McpUsageError } from './errors.ts';
import { serveMcpHttp } from './http.ts';

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
// Each session gets its own executor: its jobs are its own, and die with it. Each executor's
// shutdown hook kills its job groups on SIGINT/SIGTERM before the runtime exits (130/143).
const session = () =>
  createMcpServer({
    executor: new BackgroundExecutor(runtime, {
      cwdRoot,
      ...(options.sandbox !== undefined ? { sandbox: options.sandbox } : {}),
      ...(registry ? { registry } : {}),
      maxConcurrent: options.maxConcurrent,
      defaultTimeoutMs: Math.round(options.timeoutS * 1000),
      // Full logs (bg_bash log: true) next to the registry, capped and removed after a day.
      logs: { dir: join(registryDir, '..', 'logs') },
    }),
    notices: options.notices,
  });

if (options.http) {
  let http: Awaited<ReturnType<typeof serveMcpHttp>>;
  try {
    http = await serveMcpHttp({
      createSession: session,
      port: options.port,
      maxSessions: options.maxSessions,
      sleep: (ms, signal) => runtime.sleep(ms, signal),
    });
  } catch (error) {
    fail(`--port ${options.port}: cannot listen: ${error instanceof Error ? error.message : String(error)}`);
  }
  runtime.onShutdown(() => http.close());
  process.stdout.write(`bgtasks-mcp: serving MCP (Streamable HTTP) at ${http.url}\n`);
} else {
  const mcp = session();
  await mcp.server.connect(new StdioServerTransport());
  // The SDK's stdio transport does not notice the client going away: its stdin ending is that.
  process.stdin.once('end', () => void mcp.close());
  process.stdin.once('close', () => void mcp.close());
  await mcp.closed;
  process.exit(0);
}
