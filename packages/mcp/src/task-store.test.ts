// JobTaskStore on the virtual runtime (expiry is about time): session binding, ttl clamping and
// expiry after the end, cancel kills the bound job, pages, and refusals.
import { BackgroundExecutor } from '@bgtasks/core';
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, test } from 'vitest';
import { JobTaskStore, TASK_PAGE_SIZE } from './task-store.ts';

function setup(options: ConstructorParameters<typeof JobTaskStore>[1] = {}) {
  const runtime = createVirtualRuntime();
  const executor = new BackgroundExecutor(runtime);
  const statuses: string[] = [];
  const store = new JobTaskStore(executor, { ...options, onStatus: (t) => statuses.push(t.status) });
  return { runtime, executor, store, statuses };
}

const request = { method: 'tools/call', params: {} };
const create = (store: JobTaskStore, session?: string, ttl?: number) =>
  store.createTask(ttl === undefined ? {} : { ttl }, 1, request, session);

describe('JobTaskStore', () => {
  test('a task is visible to the session that created it only', async () => {
    const { store } = setup();
    const mine = await create(store, 'session-a');
    expect(await store.getTask(mine.taskId, 'session-a')).toMatchObject({ taskId: mine.taskId, status: 'working' });
    expect(await store.getTask(mine.taskId, 'session-b')).toBeNull();
    expect(await store.getTask(mine.taskId, undefined)).toBeNull();
    expect((await store.listTasks(undefined, 'session-b')).tasks).toEqual([]);
    await expect(store.updateTaskStatus(mine.taskId, 'cancelled', undefined, 'session-b')).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
    });
    await expect(store.getTaskResult(mine.taskId, 'session-b')).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
  });

  test('ids are 128 random bits, all different', async () => {
    const { store } = setup();
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add((await create(store)).taskId);
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  test('ttl: clamped to the limit, defaulted, kept while working, dropped ttl after the end as "expired"', async () => {
    const { runtime, store } = setup({ defaultTtlMs: 5_000, maxTtlMs: 60_000 });
    expect((await create(store, undefined, 1e12)).ttl).toBe(60_000);
    expect((await create(store, undefined, -1)).ttl).toBe(5_000);
    const task = await create(store, undefined, 1_000);
    await runtime.sleep(10_000);
    expect((await store.getTask(task.taskId))?.status).toBe('working');
    await store.storeTaskResult(task.taskId, 'completed', { content: [] });
    await runtime.sleep(999);
    expect((await store.getTask(task.taskId))?.status).toBe('completed');
    await runtime.sleep(2);
    await expect(store.getTask(task.taskId)).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: /Task has expired/,
    });
    expect(await store.getTask('f'.repeat(32))).toBeNull();
  });

  test('cancel kills the bound job, stores an isError result and announces the change', async () => {
    const { executor, store, statuses } = setup();
    const job = await executor.submit({ command: 'sleep 300', id: 'long' });
    const task = await create(store);
    store.bindJob(task.taskId, job.id);
    await store.updateTaskStatus(task.taskId, 'cancelled');
    expect(executor.get('long').state).toBe('killed');
    expect((await store.getTask(task.taskId))?.status).toBe('cancelled');
    expect(await store.getTaskResult(task.taskId)).toMatchObject({ isError: true });
    expect(statuses).toEqual(['cancelled']);
    expect(store.isOpen(task.taskId)).toBe(false);
    await expect(store.storeTaskResult(task.taskId, 'completed', { content: [] })).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
    });
    await expect(store.updateTaskStatus(task.taskId, 'cancelled')).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
  });

  test('lists in pages with an opaque cursor; a bad cursor is refused', async () => {
    const { store } = setup();
    const ids: string[] = [];
    for (let i = 0; i < TASK_PAGE_SIZE + 5; i++) ids.push((await create(store, 's')).taskId);
    const first = await store.listTasks(undefined, 's');
    expect(first.tasks).toHaveLength(TASK_PAGE_SIZE);
    const second = await store.listTasks(first.nextCursor, 's');
    expect([...first.tasks, ...second.tasks].map((t) => t.taskId)).toEqual(ids);
    expect(second.nextCursor).toBeUndefined();
    await expect(store.listTasks('nonsense', 's')).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
  });

  test('a closed store takes no new tasks', async () => {
    const { store } = setup();
    store.close();
    await expect(create(store)).rejects.toMatchObject({ code: ErrorCode.InternalError });
  });
});
