// MCP revision 2026-07-28 (stateless) and the tasks extension, with a raw JSON-RPC client: fetch
// over loopback against serveMcpHttp (beside the 2025-11-25 sessions) and, for stdio, the
// LineTransport. Tasks are made for long jobs, pushed status changes arrive on
// subscriptions/listen, the result is inlined, cancel kills the tree, tasks/update feeds stdin.
import { BackgroundExecutor, type Executor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMcpServer } from './create-server.ts';
import { type McpHttpServer, serveMcpHttp } from './http.ts';
import { LineTransport } from './line-transport.ts';
import { createStatelessMcpServer } from './stateless-tools.ts';
import { TASKS_EXTENSION, type TaskTable } from './task-table.ts';
import { eventually, gate, marker, sleepers } from './test-kit.ts';

const runtime = createRuntime();
let http: McpHttpServer;
let executor: Executor;
let tasks: TaskTable;

beforeAll(async () => {
  executor = new BackgroundExecutor(runtime, { killGraceMs: 500, promptIdleMs: 100 });
  const stateless = createStatelessMcpServer({ executor, inlineMs: 150, pollIntervalMs: 200 });
  tasks = stateless.tasks;
  http = await serveMcpHttp({
    createSession: () => createMcpServer({ executor: new BackgroundExecutor(runtime) }),
    stateless: stateless.server,
    sleep: (ms, signal) => runtime.sleep(ms, signal),
  });
});
afterAll(async () => {
  tasks.close();
  await http.close();
  await executor.close();
});

// biome-ignore lint/suspicious/noExplicitAny: raw JSON-RPC replies, read field by field and checked by the assertions
type Json = Record<string, any>;

const WITH_TASKS = { extensions: { [TASKS_EXTENSION]: {} } };
let nextId = 1;

interface Reply {
  status: number;
  body: { id?: unknown; result?: Json; error?: { code: number; message: string; data?: unknown } };
}

/** One stateless request, with the headers the revision asks for (overridable). */
async function rpc(
  method: string,
  params: Record<string, unknown> = {},
  options: { capabilities?: object; headers?: Record<string, string>; version?: string } = {},
): Promise<Reply> {
  const version = options.version ?? '2026-07-28';
  const name = method === 'tools/call' ? params.name : method.startsWith('tasks/') ? params.taskId : undefined;
  const response = await fetch(http.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${http.token}`,
      'mcp-protocol-version': version,
      'mcp-method': method,
      ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
      ...options.headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: nextId++,
      method,
      params: {
        ...params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': version,
          'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? WITH_TASKS,
        },
      },
    }),
  });
  return { status: response.status, body: await response.json() };
}

const call = (args: Record<string, unknown>, capabilities?: object) =>
  rpc('tools/call', { name: 'bg_bash', arguments: args }, capabilities ? { capabilities } : {});

async function terminal(taskId: string): Promise<Json> {
  let task: Json = {};
  await eventually(async () => {
    task = (await rpc('tasks/get', { taskId })).body.result ?? {};
    return ['completed', 'failed', 'cancelled'].includes(task.status);
  }, 15_000);
  return task;
}

/** Opens subscriptions/listen; every event it carries, parsed, and a stop. */
async function listen(): Promise<{ events: Array<Json>; stop: () => void }> {
  const stop = new AbortController();
  const response = await fetch(http.url, {
    method: 'POST',
    signal: stop.signal,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${http.token}`,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'subscriptions/listen',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: nextId++,
      method: 'subscriptions/listen',
      params: {
        notifications: { tasks: true },
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': WITH_TASKS,
        },
      },
    }),
  });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: Array<Json> = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let i = buffer.indexOf('\n\n'); i !== -1; i = buffer.indexOf('\n\n')) {
          const data = buffer.slice(0, i).match(/^data: (.*)$/m)?.[1];
          buffer = buffer.slice(i + 2);
          if (data) events.push(JSON.parse(data));
        }
      }
    } catch {
      // stopped
    }
  })();
  await eventually(() => events.length > 0);
  return { events, stop: () => stop.abort() };
}

describe('MCP 2026-07-28 over HTTP, beside 2025-11-25', () => {
  test('server/discover names both revisions and the tasks extension, not a v1 tasks capability', async () => {
    const { status, body } = await rpc('server/discover');
    expect(status).toBe(200);
    expect(body.result).toMatchObject({
      supportedVersions: ['2025-11-25', '2026-07-28'],
      capabilities: { tools: {}, extensions: { [TASKS_EXTENSION]: {} } },
      resultType: 'complete',
    });
    expect(body.result?.capabilities.tasks).toBeUndefined();
  });

  test('a job that ends within the moment is answered inline (resultType complete), no task', async () => {
    const { body } = await call({ command: 'echo quick' });
    expect(body.result).toMatchObject({ resultType: 'complete', isError: false });
    expect(body.result?.taskId).toBeUndefined();
    expect(body.result?.content[0].text).toMatch(/state="completed"[^>]*>\nquick/);
  });

  test('a longer job is a task; its status changes are pushed, and tasks/get inlines the result at the end', async () => {
    const feed = await listen();
    try {
      expect(feed.events[0]?.method).toBe('notifications/subscriptions/acknowledged');
      const g = gate();
      const { body } = await call({ command: `${g.wait}; echo pushed; exit 4` });
      const created = body.result as Json;
      expect(created).toMatchObject({ resultType: 'task', status: 'working', pollIntervalMs: 200 });
      expect(created.taskId).toMatch(/^[0-9a-f]{64}$/);
      expect(Number.isInteger(created.ttlMs)).toBe(true);
      expect(created).not.toHaveProperty('task');
      expect(created).not.toHaveProperty('ttl');
      expect((await rpc('tasks/get', { taskId: created.taskId })).body.result).toMatchObject({ status: 'working' });
      g.open();
      await eventually(() => feed.events.some((e) => e.params?.taskId === created.taskId && e.params.status === 'completed'));
      const pushed = feed.events.find((e) => e.params?.taskId === created.taskId) as Json;
      expect(pushed.method).toBe('notifications/tasks');
      expect(pushed.params.result.isError).toBe(true);
      const done = await terminal(created.taskId);
      // A job that failed is a tool result with isError, not a failed task.
      expect(done).toMatchObject({ status: 'completed', resultType: 'complete', result: { isError: true } });
      expect(done.result.content[0].text).toMatch(/state="failed" exit_code="4"[^>]*>\npushed/);
    } finally {
      feed.stop();
    }
  });

  test('tasks/cancel kills the job and everything it started, and answers an empty ack', async () => {
    const m = marker();
    const { body } = await call({ command: `sleep ${m} & sleep ${m}; wait` });
    const taskId = body.result?.taskId as string;
    await eventually(() => sleepers(m).length === 2);
    const ack = await rpc('tasks/cancel', { taskId });
    expect(ack.body.result).toEqual({ resultType: 'complete' });
    await eventually(() => sleepers(m).length === 0, 3_000);
    expect((await rpc('tasks/get', { taskId })).body.result).toMatchObject({ status: 'cancelled' });
    // Idempotent on a terminal task; unknown ids are -32602.
    expect((await rpc('tasks/cancel', { taskId })).body.result).toEqual({ resultType: 'complete' });
    expect((await rpc('tasks/get', { taskId: 'f'.repeat(64) })).body.error?.code).toBe(-32602);
  });

  test('a job waiting at a prompt is input_required with the prompt; tasks/update writes the answer to its stdin', async () => {
    const { body } = await call({ command: `printf 'Delete it? [y/N] '; read answer; echo "got $answer"`, stdin: 'pipe' });
    const taskId = body.result?.taskId as string;
    let asked: Json = {};
    await eventually(async () => {
      asked = (await rpc('tasks/get', { taskId })).body.result ?? {};
      return asked.status === 'input_required';
    });
    const [key, request] = Object.entries(asked.inputRequests as Json)[0] ?? [];
    expect(request).toMatchObject({ method: 'elicitation/create', params: { message: expect.stringMatching(/Delete it\?/) } });
    const ack = await rpc('tasks/update', {
      taskId,
      inputResponses: { [key as string]: { action: 'accept', content: { input: 'yes' } } },
    });
    expect(ack.body.result).toEqual({ resultType: 'complete' });
    const done = await terminal(taskId);
    expect(done.status).toBe('completed');
    expect(done.result.content[0].text).toMatch(/got yes/);
  });

  test('without the extension: bg_bash answers at once with the job, and tasks/* get -32021 with HTTP 400', async () => {
    const plain = await call({ command: 'sleep 0.5; echo later' }, {});
    expect(plain.body.result).toMatchObject({ resultType: 'complete' });
    expect(plain.body.result?.content[0].text).toMatch(/^started job/);
    const refused = await rpc('tasks/get', { taskId: 'a'.repeat(64) }, { capabilities: {} });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
    });
  });

  test('the revision’s errors: header mismatch -32020, unknown version -32022, removed methods 404 -32601, missing _meta -32602', async () => {
    const mismatch = await rpc('tools/list', {}, { headers: { 'mcp-method': 'tools/call' } });
    expect([mismatch.status, mismatch.body.error?.code]).toEqual([400, -32020]);
    const version = await rpc('server/discover', {}, { version: 'v999.0.0' });
    expect(version.status).toBe(400);
    expect(version.body.error).toMatchObject({
      code: -32022,
      data: { requested: 'v999.0.0', supported: ['2025-11-25', '2026-07-28'] },
    });
    for (const method of ['tasks/result', 'tasks/list', 'ping', 'initialize']) {
      const removed = await rpc(method);
      expect([method, removed.status, removed.body.error?.code]).toEqual([method, 404, -32601]);
    }
    const bare = await fetch(http.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${http.token}`,
        'mcp-protocol-version': '2026-07-28',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list', params: {} }),
    });
    expect(bare.status).toBe(400);
    expect((await bare.json()).error.code).toBe(-32602);
  });

  test('the locked door holds for the stateless revision too: no token, 401, no job', async () => {
    const before = executor.list().length;
    const response = await fetch(http.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2026-07-28',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'bg_bash', arguments: { command: 'true' } },
      }),
    });
    expect(response.status).toBe(401);
    expect(executor.list().length).toBe(before);
  });
});

describe('MCP 2026-07-28 over stdio (LineTransport)', () => {
  test('a task is created, its end is pushed on the listen subscription, and tasks/get inlines the result', async () => {
    const stdioExecutor = new BackgroundExecutor(runtime, { killGraceMs: 200 });
    const session = createMcpServer({ executor: stdioExecutor });
    const stateless = createStatelessMcpServer({ executor: stdioExecutor, inlineMs: 100 });
    const lines: Array<Json> = [];
    const queue: string[] = [];
    let wake: (() => void) | undefined;
    const input = (async function* () {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        yield new TextEncoder().encode(queue.shift());
      }
    })();
    const send = (message: unknown) => {
      queue.push(`${JSON.stringify(message)}\n`);
      wake?.();
    };
    await session.server.connect(
      new LineTransport({
        input,
        raw: session.rawArguments,
        stateless: stateless.server,
        write: async (text) => {
          for (const l of text.split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        },
      }),
    );
    const meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': WITH_TASKS,
    };
    try {
      send({ jsonrpc: '2.0', id: 1, method: 'subscriptions/listen', params: { _meta: meta } });
      const g = gate();
      send({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'bg_bash', arguments: { command: `${g.wait}; echo via-stdio` }, _meta: meta },
      });
      await eventually(() => lines.some((l) => l.id === 2));
      const taskId = lines.find((l) => l.id === 2)?.result.taskId as string;
      expect(taskId).toMatch(/^[0-9a-f]{64}$/);
      g.open();
      await eventually(() => lines.some((l) => l.method === 'notifications/tasks' && l.params.status === 'completed'));
      send({ jsonrpc: '2.0', id: 3, method: 'tasks/get', params: { taskId, _meta: meta } });
      await eventually(() => lines.some((l) => l.id === 3));
      expect(lines.find((l) => l.id === 3)?.result).toMatchObject({ status: 'completed', result: { isError: false } });
      expect(lines.find((l) => l.id === 3)?.result.result.content[0].text).toMatch(/via-stdio/);
    } finally {
      stateless.tasks.close();
      await session.close();
    }
  });
});
