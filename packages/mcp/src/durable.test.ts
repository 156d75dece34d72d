// bgtasks-mcp over stdio keeps its jobs when its client kills it and starts it again: the next
// server in the same --cwd reattaches (same job ids), a client that kept a job id reads its
// output and kills it, and the end of a job that finished meanwhile rides a tool result once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, test } from 'vitest';
import { eventually, gate, marker, sleepers, textOf } from './test-kit.ts';

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';

async function server(cwd: string, stateHome: string) {
  const [command, args] = runtimeCommand(runtime, bin, ['--cwd', cwd]);
  const transport = new StdioClientTransport({
    command,
    args,
    env: { ...createRuntime().env(), XDG_STATE_HOME: stateHome },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'durable-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid as number };
}

function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
}

describe(`bgtasks-mcp durable jobs on ${runtime}`, () => {
  test('a server killed (SIGKILL) and started again keeps its jobs: read, notice once, kill by the same id', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bgtasks-mcp-cwd-'));
    const stateHome = mkdtempSync(join(tmpdir(), 'bgtasks-mcp-state-'));
    const g = gate();
    const m = marker();
    const first = await server(cwd, stateHome);
    expect(textOf(await call(first.client, 'bg_bash', { command: `echo before; ${g.wait}; echo after`, id: 'build' }))).toMatch(
      /^started job "build"/,
    );
    await call(first.client, 'bg_bash', { command: `sleep ${m}`, id: 'srv' });
    await eventually(async () => /before/.test(textOf(await call(first.client, 'bg_output', { id: 'build' }))));
    await eventually(() => sleepers(m).length === 1);
    await createRuntime().spawn(`kill -KILL ${first.pid}`).exited;
    await first.client.close().catch(() => {});
    expect(sleepers(m)).toHaveLength(1);

    const next = await server(cwd, stateHome);
    try {
      expect(textOf(await call(next.client, 'bg_output', { id: 'build' }))).toMatch(/before/);
      g.open();
      let seen = '';
      await eventually(async () => {
        seen += textOf(await call(next.client, 'check_bg', { id: 'build' }));
        return /<bg_notice id="build" state="completed" exit_code="0"/.test(seen);
      });
      expect(seen.match(/<bg_notice id="build"/g)).toHaveLength(1);
      expect(textOf(await call(next.client, 'bg_output', { id: 'build' }))).toMatch(/before\nafter/);
      const killed = await call(next.client, 'bg_kill', { id: 'srv' });
      expect(killed.isError).not.toBe(true);
      await eventually(() => sleepers(m).length === 0);
    } finally {
      await next.client.close();
    }
  }, 90_000);
});
