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

  test('while one session matches a catastrophic ready pattern against long lines, another session is answered', async () => {
    const a = await connect();
    const b = await connect();
    // 1000 "a" then "!": exponential for a backtracking engine, linear for ours.
    const started = await call(a.client, 'bg_bash', {
      id: 'hostile',
      command: `line=$(printf '%1000s' '' | tr ' ' a)!; for i in $(seq 1 20); do echo "$line"; sleep 0.05; done; sleep 30`,
      ready: { pattern: '^((?:a|aa))*$' },
    });
    expect(started.isError).toBe(false);
    // Ping from the other session while the lines arrive (and are matched), until the last one did.
    let slowestPingMs = 0;
    let pings = 0;
    const until = performance.now() + 60_000;
    while (a.executor.get('hostile').output.bytes < 20 * 1002 && performance.now() < until) {
      const sent = performance.now();
      await b.client.ping();
      pings++;
      slowestPingMs = Math.max(slowestPingMs, performance.now() - sent);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(a.executor.get('hostile').output.bytes).toBe(20 * 1002);
    expect(pings).toBeGreaterThan(1);
    // Generous: a backtracking match of one such line holds the loop for minutes.
    expect(slowestPingMs).toBeLessThan(2_000);
    expect(a.executor.bus.history().filter((n) => n.kind === 'ready')).toEqual([]);
    expect(a.executor.get('hostile').state).toBe('running');
  });
});
