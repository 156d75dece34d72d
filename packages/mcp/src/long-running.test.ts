// Long-running jobs over MCP: readiness, bg_wait until and bg_write through the SDK's own Client;
// ready and input_required notices ride the next tool result like final ones.
import { BackgroundExecutor, parseNotices } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, test } from 'vitest';
import { createMcpServer, type McpSession } from './create-server.ts';
import { eventually, textOf } from './test-kit.ts';

const open: Array<{ client: Client; session: McpSession }> = [];

async function connect() {
  const executor = new BackgroundExecutor(createRuntime(), { killGraceMs: 300, promptIdleMs: 200 });
  const session = createMcpServer({ executor, pollIntervalMs: 50 });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test', version: '1.0.0' });
  await session.server.connect(serverSide);
  await client.connect(clientSide);
  open.push({ client, session });
  return { client, executor };
}

afterEach(async () => {
  for (const { client, session } of open.splice(0)) {
    await client.close().catch(() => {});
    await session.close();
  }
});

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

describe('long-running jobs over MCP', () => {
  test('a ready notice rides the next tool result once; bg_wait until answers ready', async () => {
    const { client, executor } = await connect();
    const started = await call(client, 'bg_bash', {
      id: 'dev',
      command: 'sleep 0.2; echo "listening on 127.0.0.1:3000"; sleep 30',
      ready: { pattern: 'listening on' },
    });
    expect(started.isError).toBe(false);
    await eventually(() => executor.bus.history().some((n) => n.kind === 'ready'));
    const next = await call(client, 'check_bg', {});
    expect(parseNotices(textOf(next))).toMatchObject([{ jobId: 'dev', kind: 'ready', state: 'running' }]);
    expect(parseNotices(textOf(await call(client, 'check_bg', {})))).toEqual([]);
    const until = await call(client, 'bg_wait', { ids: ['dev'], timeout_s: 10, until: { pattern: 'listening' } });
    expect(textOf(until)).toMatch(/^job "dev" is ready \(pattern\); it keeps running/);
  });

  test('input_required rides a result, bg_write answers the prompt', async () => {
    const { client, executor } = await connect();
    await call(client, 'bg_bash', { id: 'ask', command: `printf 'Overwrite? [y/N] '; read a; echo "a=$a"`, stdin: 'pipe' });
    await eventually(() => executor.bus.history().some((n) => n.kind === 'input_required'));
    const seen = await call(client, 'check_bg', {});
    expect(parseNotices(textOf(seen))).toMatchObject([{ jobId: 'ask', kind: 'input_required', tail: 'Overwrite? [y/N] ' }]);
    const wrote = await call(client, 'bg_write', { id: 'ask', text: 'y\n' });
    expect(wrote.isError).toBe(false);
    const waited = await call(client, 'bg_wait', { ids: ['ask'], timeout_s: 10 });
    expect(parseNotices(textOf(waited))).toMatchObject([{ jobId: 'ask', kind: 'final', state: 'completed' }]);
    expect(executor.output('ask').text).toContain('a=y');
  });
});
