// Streamable HTTP on this runtime's own server, with the SDK's Client: tasks, notices, session
// binding, DNS-rebinding and cross-origin refusals, session end kills the session's jobs.
import { request as httpRequest } from 'node:http';
import { BackgroundExecutor, type Executor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type CallToolResult, CallToolResultSchema, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMcpServer } from './create-server.ts';
import { type McpHttpServer, serveMcpHttp } from './http.ts';
import { eventually, gate, marker, sleepers, streamTask, textOf } from './test-kit.ts';

const runtime = createRuntime();
const executors: Executor[] = [];
let http: McpHttpServer;

beforeAll(async () => {
  http = await serveMcpHttp({
    createSession: () => {
      const executor = new BackgroundExecutor(runtime, { killGraceMs: 500 });
      executors.push(executor);
      return createMcpServer({ executor, pollIntervalMs: 50 });
    },
    maxSessions: 4,
    reconnectGraceMs: 200,
    sleep: (ms, signal) => runtime.sleep(ms, signal),
  });
});
afterAll(async () => {
  await http.close();
});

/** The header that opens the door of the server under test. */
function auth(): Record<string, string> {
  return { authorization: `Bearer ${http.token}` };
}

async function connect(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: auth() } });
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** A raw POST, so headers fetch would not let us forge (Host) can be set. */
function rawPost(headers: Record<string, string>, body: unknown): Promise<{ status: number; text: string }> {
  return rawPostText(headers, JSON.stringify(body));
}

/** A raw POST of `text` as it is (not JSON-encoded). */
function rawPostText(headers: Record<string, string>, text: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      http.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...auth(),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

describe('bgtasks-mcp over Streamable HTTP', () => {
  test('binds loopback and answers at /mcp', () => {
    expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  test('a task-augmented bg_bash streams taskCreated, working and the result; tasks/list shows it', async () => {
    const { client, transport } = await connect();
    const g = gate();
    const run = await streamTask(client, { command: `${g.wait}; echo http-tail; exit 4`, id: 'h' }, undefined, g.open);
    expect(run.types[0]).toBe('taskCreated');
    expect(run.statuses[0]).toBe('working');
    expect(run.statuses.at(-1)).toBe('completed');
    expect(run.result?.isError).toBe(true);
    const { tasks } = await client.experimental.tasks.listTasks();
    expect(tasks.map((t) => t.taskId)).toEqual([run.task.taskId]);
    const result = (await client.experimental.tasks.getTaskResult(run.task.taskId, CallToolResultSchema)) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/state="failed" exit_code="4"[^>]*>\nhttp-tail/);
    await transport.terminateSession();
    await client.close();
  });

  test('another session can neither see, read nor cancel a task', async () => {
    const a = await connect();
    const b = await connect();
    const stream = a.client.experimental.tasks.callToolStream(
      { name: 'bg_bash', arguments: { command: 'sleep 30' } },
      undefined,
      { task: {} },
    );
    const taskId = ((await stream.next()).value as { task: { taskId: string } }).task.taskId;
    await expect(b.client.experimental.tasks.getTask(taskId)).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(b.client.experimental.tasks.cancelTask(taskId)).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    expect((await b.client.experimental.tasks.listTasks()).tasks).toEqual([]);
    expect(textOf(await b.client.callTool({ name: 'check_bg', arguments: {} }))).toMatch(/no background jobs yet/);
    expect((await a.client.experimental.tasks.getTask(taskId)).status).toBe('working');
    await stream.return(undefined);
    for (const s of [a, b]) {
      await s.transport.terminateSession();
      await s.client.close();
    }
  });

  test('a plain bg_bash then any later result carries the notice exactly once', async () => {
    const { client, transport } = await connect();
    await client.callTool({ name: 'bg_bash', arguments: { command: 'echo over-http', id: 'p' } });
    const executor = executors.at(-1) as Executor;
    await executor.wait(['p']);
    expect(textOf(await client.callTool({ name: 'check_bg', arguments: { id: 'zz' } }))).toMatch(/<bg_notice id="p"/);
    expect(textOf(await client.callTool({ name: 'check_bg', arguments: { id: 'zz' } }))).not.toMatch(/<bg_notice/);
    await transport.terminateSession();
    await client.close();
  });

  test('ending the session (DELETE) kills its jobs', async () => {
    const { client, transport } = await connect();
    const m = marker();
    await client.callTool({ name: 'bg_bash', arguments: { command: `sleep ${m}` } });
    await eventually(() => sleepers(m).length === 1);
    const before = http.handler.sessions;
    await transport.terminateSession();
    await client.close();
    await eventually(() => sleepers(m).length === 0);
    expect(http.handler.sessions).toBe(before - 1);
  });

  test('a client that goes away (its event stream drops) loses its session and jobs after the grace', async () => {
    const { client } = await connect();
    const m = marker();
    await client.callTool({ name: 'bg_bash', arguments: { command: `sleep ${m}` } });
    await eventually(() => sleepers(m).length === 1);
    await client.close();
    await eventually(() => sleepers(m).length === 0);
  });

  test.each([
    ['a foreign Host (DNS rebinding)', { host: 'evil.example:80' }, /Host header/],
    ['a foreign Origin', { origin: 'http://evil.example' }, /Origin/],
    ['a loopback Origin on another port', { origin: 'http://127.0.0.1:1' }, /Origin/],
  ])('%s is refused with 403 before any session exists', async (_name, headers, message) => {
    const before = http.handler.sessions;
    const r = await rawPost(headers, initialize);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text)).toMatchObject({
      jsonrpc: '2.0',
      error: { code: -32000, message: expect.stringMatching(message) },
    });
    expect(http.handler.sessions).toBe(before);
  });

  test('a session left without DELETE or event stream is closed once idle, not while its job runs', async () => {
    const idle = await serveMcpHttp({
      createSession: () => createMcpServer({ executor: new BackgroundExecutor(runtime, { killGraceMs: 500 }) }),
      token: null,
      idleMs: 150,
      sleep: (ms, signal) => runtime.sleep(ms, signal),
    });
    try {
      const post = (headers: Record<string, string>, body: unknown) =>
        fetch(idle.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
          body: JSON.stringify(body),
        });
      const init = await post({}, initialize);
      const session = init.headers.get('mcp-session-id') as string;
      await init.text();
      const version = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
      await (await post(version, { jsonrpc: '2.0', method: 'notifications/initialized' })).text();
      const m = marker();
      const call = { name: 'bg_bash', arguments: { command: `sleep 0.3; sleep ${m}`, timeout_s: 3 } };
      await (await post(version, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: call })).text();
      expect(idle.handler.sessions).toBe(1);
      await eventually(() => sleepers(m).length === 1);
      expect(idle.handler.sessions).toBe(1);
      await eventually(() => idle.handler.sessions === 0);
      await eventually(() => sleepers(m).length === 0, 2_000);
    } finally {
      await idle.close();
    }
  });

  test('hostile requests get JSON-RPC errors and no session lingers', async () => {
    const before = http.handler.sessions;
    const notInit = await rawPost({}, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(notInit.status).toBe(400);
    const garbage = await rawPost({}, '{not json');
    expect(garbage.status).toBe(400);
    const unknownSession = await rawPost({ 'mcp-session-id': 'f'.repeat(36) }, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(unknownSession.status).toBe(404);
    expect(http.handler.sessions).toBe(before);
    const { client, transport } = await connect();
    expect((await client.listTools()).tools).toHaveLength(6);
    await transport.terminateSession();
    await client.close();
  });

  test('malformed params and tool arguments get the same answers as over stdio', async () => {
    const { client, transport } = await connect();
    const headers = { 'mcp-session-id': transport.sessionId as string, 'mcp-protocol-version': '2025-11-25' };
    const stringParams = await rawPost(headers, { jsonrpc: '2.0', id: 3, method: 'tools/list', params: 'oops' });
    expect(stringParams.status).toBe(400);
    expect(JSON.parse(stringParams.text)).toMatchObject({
      id: 3,
      error: { code: -32602, message: expect.stringMatching(/"params"/) },
    });
    const notJson = await rawPostText(headers, '{broken');
    expect(JSON.parse(notJson.text)).toMatchObject({ error: { code: -32700 } });
    const stringArgs = await rawPost(headers, {
      jsonrpc: '2.0',
      id: 4,
      method: 'tools/call',
      params: { name: 'bg_bash', arguments: 'echo hi' },
    });
    expect(stringArgs.text).toMatch(/"isError":true/);
    expect(stringArgs.text).toMatch(/\\"arguments\\" must be an object/);
    const proto = (
      await rawPostText(
        headers,
        '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"bg_bash","arguments":{"command":"true","__proto__":{"x":1}}}}',
      )
    ).text;
    expect(proto).toMatch(/"isError":true/);
    expect(proto).toMatch(/Unrecognized key.*__proto__/);
    expect((executors.at(-1) as Executor).list()).toEqual([]);
    await transport.terminateSession();
    await client.close();
  });
});
