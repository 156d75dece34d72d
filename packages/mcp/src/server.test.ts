// The MCP server through the SDK's own Client over an in-memory pair: tools, Tasks (create,
// status, result, list, cancel, ttl), notices exactly once, hostile input, session end.
import { BackgroundExecutor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  type CallToolResult,
  CallToolResultSchema,
  ErrorCode,
  type Task,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, test } from 'vitest';
import { createMcpServer, IMMEDIATE_RESPONSE_META, type McpServerOptions, type McpSession } from './create-server.ts';
import { eventually, gate, marker, sleepers, streamTask, textOf } from './test-kit.ts';

const open: Array<{ client: Client; session: McpSession }> = [];

async function connect(options: Partial<McpServerOptions> = {}) {
  const executor = new BackgroundExecutor(createRuntime(), { killGraceMs: 500 });
  const session = createMcpServer({ executor, pollIntervalMs: 50, ...options });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test', version: '1.0.0' });
  const statuses: Task[] = [];
  client.setNotificationHandler(TaskStatusNotificationSchema, (n) => {
    statuses.push(n.params as Task);
  });
  await session.server.connect(serverSide);
  await client.connect(clientSide);
  open.push({ client, session });
  return { client, session, executor, statuses };
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

describe('tools', () => {
  test('lists the six polling tools, bg_bash task-capable (optional), the others forbidden', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => [t.name, t.execution?.taskSupport])).toEqual([
      ['bg_bash', 'optional'],
      ['check_bg', 'forbidden'],
      ['bg_wait', 'forbidden'],
      ['bg_output', 'forbidden'],
      ['bg_kill', 'forbidden'],
      ['bg_write', 'forbidden'],
    ]);
    const bgBash = tools[0];
    expect(bgBash?.inputSchema).toMatchObject({ type: 'object', required: ['command'] });
    expect(client.getServerCapabilities()?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
  });

  test('a plain bg_bash answers at once with the job id while the job runs', async () => {
    const { client, executor } = await connect();
    const result = await call(client, 'bg_bash', { command: 'sleep 30', id: 'slow' });
    expect(result.isError).toBe(false);
    expect(textOf(result)).toMatch(/^started job "slow" \(sleep 30\)/);
    expect(executor.get('slow').state).toBe('running');
  });
});

describe('tasks', () => {
  test('a task-augmented bg_bash streams taskCreated, working, then the result with exit code and output tail', async () => {
    const { client, statuses } = await connect();
    const g = gate();
    const run = await streamTask(
      client,
      { command: `echo first-line; ${g.wait}; echo tail-line`, id: 'build' },
      undefined,
      g.open,
    );
    expect(run.types[0]).toBe('taskCreated');
    expect(run.task.status).toBe('working');
    expect(run.task.taskId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.statuses[0]).toBe('working');
    expect(run.statuses.at(-1)).toBe('completed');
    expect(run.types.at(-1)).toBe('result');
    expect(run.result?.isError).toBe(false);
    expect(textOf(run.result)).toMatch(/<bg_notice id="build" state="completed" exit_code="0"/);
    expect(textOf(run.result)).toMatch(/first-line\ntail-line/);
    expect(run.result?._meta?.['io.modelcontextprotocol/related-task']).toEqual({ taskId: run.task.taskId });
    await eventually(() => statuses.some((t) => t.taskId === run.task.taskId && t.status === 'completed'));
  });

  test('the CreateTaskResult carries the immediate response for the model', async () => {
    const { client } = await connect();
    const created = await client.request(
      { method: 'tools/call', params: { name: 'bg_bash', arguments: { command: 'true', id: 'quick' }, task: {} } },
      (await import('@modelcontextprotocol/sdk/experimental/tasks')).CreateTaskResultSchema,
    );
    expect(created._meta?.[IMMEDIATE_RESPONSE_META]).toMatch(/^started job "quick"/);
  });

  test.each([
    ['a non-zero exit', { command: 'echo broken >&2; exit 3', id: 'fails' }, /state="failed" exit_code="3"/, /broken/],
    ['a timeout', { command: 'sleep 20', id: 'slowpoke', timeout_s: 0.2 }, /state="timed_out"/, /./],
  ])(
    '%s completes the task with an isError result that reaches the stream (not a task failure)',
    async (_name, args, state, tail) => {
      const { client, statuses } = await connect();
      const run = await streamTask(client, args);
      expect(run.statuses.at(-1)).toBe('completed');
      expect(run.error).toBeUndefined();
      expect(run.result?.isError).toBe(true);
      expect(textOf(run.result)).toMatch(state);
      const result = (await client.experimental.tasks.getTaskResult(run.task.taskId, CallToolResultSchema)) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(state);
      expect(textOf(result)).toMatch(tail);
      await eventually(() => statuses.some((t) => t.taskId === run.task.taskId && t.status === 'completed'));
    },
  );

  test('cancelTask kills the job and its children: the task is cancelled and no process of it is left', async () => {
    const { client, executor, statuses } = await connect();
    const m = marker();
    const created = client.experimental.tasks.callToolStream(
      { name: 'bg_bash', arguments: { command: `sleep ${m} & sleep ${m}; wait`, id: 'forever' } },
      undefined,
      { task: {} },
    );
    const first = await created.next();
    const task = (first.value as { task: Task }).task;
    await eventually(() => sleepers(m).length === 2);
    const cancelled = await client.experimental.tasks.cancelTask(task.taskId);
    expect(cancelled.status).toBe('cancelled');
    // The group got SIGTERM with its leader; a member may take a moment to be gone from /proc.
    await eventually(() => sleepers(m).length === 0, 2_000);
    expect(executor.get('forever').state).toBe('killed');
    expect((await client.experimental.tasks.getTask(task.taskId)).status).toBe('cancelled');
    const result = (await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema)) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/cancelled: job "forever" was killed/);
    expect(statuses.filter((t) => t.taskId === task.taskId).map((t) => t.status)).toEqual(['cancelled']);
    await created.return(undefined);
  });

  test('tasks/list shows the tasks of the session, with their status', async () => {
    const { client } = await connect();
    const a = await streamTask(client, { command: 'true', id: 'a' });
    const b = await streamTask(client, { command: 'exit 1', id: 'b' });
    const { tasks } = await client.experimental.tasks.listTasks();
    expect(tasks.map((t) => [t.taskId, t.status])).toEqual([
      [a.task.taskId, 'completed'],
      [b.task.taskId, 'completed'],
    ]);
  });

  test('ttl is honoured: after it, the id answers -32602 "Task has expired"', async () => {
    const { client } = await connect();
    const run = await streamTask(client, { command: 'true' }, 100);
    expect(run.task.ttl).toBe(100);
    let error: unknown;
    await eventually(async () => {
      error = await client.experimental.tasks.getTask(run.task.taskId).then(
        () => undefined,
        (e: unknown) => e,
      );
      return error !== undefined;
    });
    expect(error).toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/Task has expired/) });
    await expect(client.experimental.tasks.getTaskResult(run.task.taskId, CallToolResultSchema)).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
    });
  });

  test('a ttl past the limit is lowered to it, and a missing one gets the default', async () => {
    const { client } = await connect({ maxTtlMs: 60_000, defaultTtlMs: 30_000 });
    expect((await streamTask(client, { command: 'true' }, 1e15)).task.ttl).toBe(60_000);
    expect((await streamTask(client, { command: 'true' })).task.ttl).toBe(30_000);
  });
});

describe('notices for clients without Tasks', () => {
  test('a plain bg_bash, then any later tool result carries its notice, exactly once', async () => {
    const { client, executor } = await connect();
    await call(client, 'bg_bash', { command: 'echo done-output', id: 'n1' });
    await executor.wait(['n1']);
    const next = await call(client, 'bg_output', { id: 'n1' });
    expect(next.content).toHaveLength(2);
    expect(textOf(next)).toMatch(/<bg_notice id="n1" state="completed" exit_code="0"[^>]*>\ndone-output\n<\/bg_notice>/);
    const later = await call(client, 'check_bg', { id: 'nope' });
    expect(textOf(later)).not.toMatch(/<bg_notice/);
    const third = await call(client, 'bg_bash', { command: 'true', id: 'n2' });
    expect(textOf(third)).not.toMatch(/<bg_notice/);
  });

  test('a result that itself shows the end (bg_wait) does not repeat the notice', async () => {
    const { client } = await connect();
    await call(client, 'bg_bash', { command: 'echo w', id: 'w' });
    const waited = await call(client, 'bg_wait', { ids: ['w'], timeout_s: 10 });
    expect(textOf(waited).match(/<bg_notice id="w"/g)).toHaveLength(1);
    expect(textOf(await call(client, 'check_bg', {}))).not.toMatch(/<bg_notice/);
  });

  test('the job of a task reports through its task, never as a notice', async () => {
    const { client } = await connect();
    await streamTask(client, { command: 'echo t', id: 't' });
    expect(textOf(await call(client, 'check_bg', { id: 't' }))).toMatch(/<bg_notice id="t"/);
    expect(textOf(await call(client, 'bg_bash', { command: 'true' }))).not.toMatch(/<bg_notice/);
  });

  test('with notices off, results carry none', async () => {
    const { client, executor } = await connect({ notices: false });
    await call(client, 'bg_bash', { command: 'true', id: 'quiet' });
    await executor.wait(['quiet']);
    expect(textOf(await call(client, 'bg_output', { id: 'quiet' }))).not.toMatch(/<bg_notice/);
  });
});

describe('hostile input', () => {
  test('is answered with isError naming the field or the spec error, and the server lives on', async () => {
    const { client } = await connect();
    const missing = await call(client, 'bg_bash', {});
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/invalid input for bg_bash: command/);
    const wrongType = await call(client, 'bg_bash', { command: 42 });
    expect(wrongType.isError).toBe(true);
    expect(textOf(wrongType)).toMatch(/command/);
    const extra = await call(client, 'bg_kill', { id: 'x', rm: '-rf /' });
    expect(extra.isError).toBe(true);
    expect(textOf(extra)).toMatch(/rm/);
    const unknownJob = await call(client, 'bg_output', { id: '../../etc/passwd' });
    expect(unknownJob.isError).toBe(true);
    await expect(client.callTool({ name: 'rm_rf', arguments: {} })).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(client.experimental.tasks.getTask('0'.repeat(32))).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(client.experimental.tasks.cancelTask('no-such-task')).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(client.experimental.tasks.listTasks('bogus-cursor')).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(
      client.request(
        { method: 'tools/call', params: { name: 'check_bg', arguments: {}, task: {} } },
        (await import('@modelcontextprotocol/sdk/experimental/tasks')).CreateTaskResultSchema,
      ),
    ).rejects.toMatchObject({ code: ErrorCode.MethodNotFound });
    const ended = await streamTask(client, { command: 'true' });
    await expect(client.experimental.tasks.cancelTask(ended.task.taskId)).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringMatching(/terminal status/),
    });
    const badTask = await streamTask(client, { command: '' });
    expect(badTask.statuses.at(-1)).toBe('completed');
    const badResult = (await client.experimental.tasks.getTaskResult(
      badTask.task.taskId,
      CallToolResultSchema,
    )) as CallToolResult;
    expect(badResult.isError).toBe(true);
    expect(textOf(badResult)).toMatch(/command: must not be empty/);
    expect((await client.listTools()).tools).toHaveLength(6);
  });
});

describe('session end', () => {
  test('closing the client kills every job of the session', async () => {
    const { client, session, executor } = await connect();
    const m = marker();
    await call(client, 'bg_bash', { command: `sleep ${m}`, id: 'orphan' });
    await streamTask(client, { command: 'true' });
    await eventually(() => sleepers(m).length === 1);
    await client.close();
    await session.closed;
    expect(executor.get('orphan').state).toBe('killed');
    await eventually(() => sleepers(m).length === 0, 2_000);
  });
});
