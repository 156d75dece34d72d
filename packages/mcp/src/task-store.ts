/**
 * The MCP task store behind task-augmented `bg_bash`: the SDK's own `tasks/get`, `tasks/result`,
 * `tasks/list` and `tasks/cancel` handlers read and write it, and it ties each task to the job it
 * runs, so a cancel kills the job's process group (the SDK's cancel handler only updates the
 * store). Task ids are 128 random bits; a task is visible to the session that created it only;
 * a task is dropped `ttl` ms after it ended, and its id then answers "Task has expired".
 */
import type { Executor } from '@bgtasks/core';
import type { CreateTaskOptions, TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import { ErrorCode, McpError, type Request, type RequestId, type Result, type Task } from '@modelcontextprotocol/sdk/types.js';

/** A task's ttl when the client asks for none: one hour. */
export const DEFAULT_TASK_TTL_MS = 3_600_000;
/** The longest ttl honoured (a longer one is lowered to it): one day. */
export const MAX_TASK_TTL_MS = 86_400_000;
/** How often clients are asked to poll a task. */
export const DEFAULT_POLL_INTERVAL_MS = 500;
/** Tasks one list page holds. */
export const TASK_PAGE_SIZE = 50;
/** Expired task ids remembered (to answer "expired" rather than "not found"); the oldest go first. */
const EXPIRED_IDS_KEPT = 10_000;

/** Options of {@link JobTaskStore}. */
export interface JobTaskStoreOptions {
  /** ttl of a task created without one. Default {@link DEFAULT_TASK_TTL_MS}. */
  defaultTtlMs?: number;
  /** Longest ttl honoured. Default {@link MAX_TASK_TTL_MS}. */
  maxTtlMs?: number;
  /** `pollInterval` suggested to clients. Default {@link DEFAULT_POLL_INTERVAL_MS}. */
  pollIntervalMs?: number;
  /** Called with the task after a change the SDK does not announce itself (a cancel). */
  onStatus?: (task: Task) => void;
}

interface Entry {
  task: Task;
  sessionId: string | undefined;
  jobId?: string;
  result?: Result;
  /** Set while a cancel kills the job, so the job's own end does not settle the task first. */
  cancelling?: boolean;
  expiry?: AbortController;
}

function isTerminal(status: Task['status']): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

function randomTaskId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function clampMs(value: number | null | undefined, fallback: number, max: number): number {
  if (value === null || value === undefined || !Number.isFinite(value) || value <= 0) return fallback;
  return Math.min(Math.floor(value), max);
}

/**
 * A {@link TaskStore} over an {@link Executor}: the task of a `bg_bash` call follows its job.
 * @example
 * const store = new JobTaskStore(executor);
 * const server = new Server(info, { capabilities, taskStore: store });
 */
export class JobTaskStore implements TaskStore {
  readonly executor: Executor;
  readonly defaultTtlMs: number;
  readonly maxTtlMs: number;
  readonly pollIntervalMs: number;
  readonly #tasks = new Map<string, Entry>();
  readonly #expired = new Set<string>();
  readonly #onStatus: ((task: Task) => void) | undefined;
  #closed = false;

  constructor(executor: Executor, options: JobTaskStoreOptions = {}) {
    this.executor = executor;
    this.maxTtlMs = clampMs(options.maxTtlMs, MAX_TASK_TTL_MS, MAX_TASK_TTL_MS);
    this.defaultTtlMs = clampMs(options.defaultTtlMs, DEFAULT_TASK_TTL_MS, this.maxTtlMs);
    this.pollIntervalMs = clampMs(options.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS, 60_000);
    this.#onStatus = options.onStatus;
  }

  /** Finds a task for `sessionId`; another session's task is "not found", an expired one says so. */
  #lookup(taskId: string, sessionId: string | undefined): Entry | undefined {
    const entry = this.#tasks.get(taskId);
    if (entry && entry.sessionId === sessionId) return entry;
    if (!entry && this.#expired.has(taskId)) {
      throw new McpError(ErrorCode.InvalidParams, 'Failed to retrieve task: Task has expired');
    }
    return undefined;
  }

  #touch(entry: Entry, status: Task['status'], statusMessage?: string): void {
    entry.task = {
      ...entry.task,
      status,
      ...(statusMessage !== undefined ? { statusMessage } : {}),
      lastUpdatedAt: new Date().toISOString(),
    };
    if (isTerminal(status)) this.#scheduleExpiry(entry);
  }

  /** A task is kept while its job runs, and `ttl` ms after it ended. */
  #scheduleExpiry(entry: Entry): void {
    entry.expiry?.abort();
    const expiry = new AbortController();
    entry.expiry = expiry;
    const ttl = entry.task.ttl ?? this.defaultTtlMs;
    this.executor.runtime.sleep(ttl, expiry.signal).then(
      () => {
        if (this.#tasks.get(entry.task.taskId) !== entry) return;
        this.#tasks.delete(entry.task.taskId);
        this.#expired.add(entry.task.taskId);
        if (this.#expired.size > EXPIRED_IDS_KEPT) {
          const oldest = this.#expired.values().next().value;
          if (oldest !== undefined) this.#expired.delete(oldest);
        }
      },
      () => {},
    );
  }

  async createTask(taskParams: CreateTaskOptions, _requestId: RequestId, _request: Request, sessionId?: string): Promise<Task> {
    if (this.#closed) throw new McpError(ErrorCode.InternalError, 'the server is shutting down and takes no new tasks');
    let taskId = randomTaskId();
    while (this.#tasks.has(taskId) || this.#expired.has(taskId)) taskId = randomTaskId();
    const now = new Date().toISOString();
    const task: Task = {
      taskId,
      status: 'working',
      ttl: clampMs(taskParams.ttl, this.defaultTtlMs, this.maxTtlMs),
      createdAt: now,
      lastUpdatedAt: now,
      pollInterval: this.pollIntervalMs,
    };
    this.#tasks.set(taskId, { task, sessionId });
    return { ...task };
  }

  /** Ties task `taskId` to job `jobId`: cancelling the task kills the job. */
  bindJob(taskId: string, jobId: string): void {
    const entry = this.#tasks.get(taskId);
    if (entry) entry.jobId = jobId;
  }

  /** True when the task still waits for its job (not ended, not being cancelled). */
  isOpen(taskId: string): boolean {
    const entry = this.#tasks.get(taskId);
    return entry !== undefined && !entry.cancelling && !isTerminal(entry.task.status);
  }

  async getTask(taskId: string, sessionId?: string): Promise<Task | null> {
    const entry = this.#lookup(taskId, sessionId);
    return entry ? { ...entry.task } : null;
  }

  async storeTaskResult(taskId: string, status: 'completed' | 'failed', result: Result, sessionId?: string): Promise<void> {
    const entry = this.#lookup(taskId, sessionId);
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
    if (entry.cancelling || isTerminal(entry.task.status)) {
      throw new McpError(ErrorCode.InvalidParams, `Task ${taskId} already ended (${entry.task.status}); its result is kept`);
    }
    entry.result = result;
    this.#touch(entry, status);
  }

  async getTaskResult(taskId: string, sessionId?: string): Promise<Result> {
    const entry = this.#lookup(taskId, sessionId);
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
    if (!entry.result) throw new McpError(ErrorCode.InvalidParams, `Task ${taskId} has no result yet (${entry.task.status})`);
    return entry.result;
  }

  /**
   * Called by the SDK's `tasks/cancel` handler with `cancelled`: kills the task's job (its whole
   * process group) and resolves once it has ended, so the task is `cancelled` before the answer.
   */
  async updateTaskStatus(taskId: string, status: Task['status'], statusMessage?: string, sessionId?: string): Promise<void> {
    const entry = this.#lookup(taskId, sessionId);
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
    if (isTerminal(entry.task.status) || entry.cancelling) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `Cannot move task ${taskId} from ${entry.task.status} to ${status}: it has ended`,
      );
    }
    if (status !== 'cancelled') {
      this.#touch(entry, status, statusMessage);
      return;
    }
    entry.cancelling = true;
    let text = 'task cancelled';
    if (entry.jobId !== undefined) {
      const job = await this.executor.kill(entry.jobId).catch(() => undefined);
      text = `task cancelled: job "${entry.jobId}" was killed${job ? ` (${job.state})` : ''}`;
    }
    entry.result = { content: [{ type: 'text', text }], isError: true };
    entry.cancelling = false;
    this.#touch(entry, 'cancelled', statusMessage ?? 'The task was cancelled by request; its job was killed.');
    this.#onStatus?.({ ...entry.task });
  }

  async listTasks(cursor?: string, sessionId?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const mine = [...this.#tasks.values()].filter((e) => e.sessionId === sessionId);
    let start = 0;
    if (cursor !== undefined) {
      const at = mine.findIndex((e) => e.task.taskId === cursor);
      if (at < 0) throw new McpError(ErrorCode.InvalidParams, 'Invalid cursor: pass the nextCursor of the previous page');
      start = at + 1;
    }
    const page = mine.slice(start, start + TASK_PAGE_SIZE);
    const last = page.at(-1);
    return {
      tasks: page.map((e) => ({ ...e.task })),
      ...(start + TASK_PAGE_SIZE < mine.length && last ? { nextCursor: last.task.taskId } : {}),
    };
  }

  /** Stops taking tasks and drops every expiry timer. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#tasks.values()) entry.expiry?.abort();
  }
}
