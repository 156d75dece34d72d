/**
 * Tasks of the `io.modelcontextprotocol/tasks` extension (SEP-2663, MCP revision 2026-07-28) on
 * bgtasks jobs: a task follows one job; `tasks/get` shows it and, once terminal, inlines the
 * tool's result; cancel kills the job's tree; a piped job waiting at a prompt (our
 * `input_required` notice) parks the task in `input_required` with an `elicitation/create` input
 * request, and the answer is written to the job's stdin.
 *
 * Statelessly, nothing but the id reaches a later request, so the id is the capability: 256 bits
 * from the Web Crypto API, never listed (the extension has no `tasks/list`), and every lookup also
 * checks the `owner` the transport vouches for (the stdio connection; over HTTP, the bearer token
 * every request already carries). Ids of other owners answer as unknown.
 */
import { type Executor, isFinalNotice, type Job, type Notice } from '@bgtasks/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** The extension's identifier, as declared under `capabilities.extensions`. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** Task statuses of the extension. */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** A JSON-RPC error inlined in a `failed` task. */
export interface TaskError {
  code: number;
  message: string;
  data?: unknown;
}

/** An input request the client fulfils through `tasks/update` (here always `elicitation/create`). */
export interface InputRequest {
  method: 'elicitation/create';
  params: { mode: 'form'; message: string; requestedSchema: Record<string, unknown> };
}

/** The task as `tasks/get` and `notifications/tasks` show it (without `resultType`). */
export interface DetailedTask {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number;
  pollIntervalMs: number;
  result?: CallToolResult;
  error?: TaskError;
  inputRequests?: Record<string, InputRequest>;
}

/** How a job's end becomes the task's outcome: a tool result, or a protocol error. */
export type Finish = (job: Job) => Promise<{ result: CallToolResult } | { error: TaskError }>;

/** Options of {@link TaskTable}. */
export interface TaskTableOptions {
  /** Wall clock for `createdAt`/`lastUpdatedAt` (ISO 8601). Default `Date.now`. */
  wallClock?: () => number;
  /** Default ttl (after the task ends). Default {@link DEFAULT_TTL_MS}. */
  defaultTtlMs?: number;
  /** Largest ttl granted; larger requests are lowered. Default {@link MAX_TTL_MS}. */
  maxTtlMs?: number;
  /** Suggested `tasks/get` interval. Default {@link POLL_INTERVAL_MS}. */
  pollIntervalMs?: number;
}

export const DEFAULT_TTL_MS = 60 * 60_000;
export const MAX_TTL_MS = 24 * 60 * 60_000;
export const POLL_INTERVAL_MS = 1_000;

interface Entry {
  task: DetailedTask;
  owner: string;
  jobId: string;
  finish: Finish;
  /** Wall time after which the task is forgotten (set when it ends). */
  expiresAt?: number;
  /** The input request id of the prompt the job waits at. */
  asking?: string;
}

function randomId(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function isTerminal(status: TaskStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** The line an accepted elicitation answer writes to the job's stdin. */
function answerLine(content: unknown): string {
  if (typeof content !== 'object' || content === null) return '';
  const values = Object.values(content as Record<string, unknown>);
  const input = (content as Record<string, unknown>).input;
  if (typeof input === 'string') return input;
  if (values.length === 1 && typeof values[0] === 'boolean') return values[0] ? 'y' : 'n';
  if (values.length === 1 && (typeof values[0] === 'string' || typeof values[0] === 'number')) return String(values[0]);
  return JSON.stringify(content);
}

/**
 * The tasks of one server over one executor.
 * @example
 * const table = new TaskTable(executor);
 * const task = table.create(job.id, { owner: 'stdio', finish });
 */
export class TaskTable {
  readonly #executor: Executor;
  readonly #entries = new Map<string, Entry>();
  readonly #byJob = new Map<string, Entry>();
  /** The prompt each running job waits at, for a task made after its notice went by (bounded). */
  readonly #prompts = new Map<string, string>();
  readonly #listeners = new Set<(task: DetailedTask, owner: string) => void>();
  readonly #stop = new AbortController();
  readonly #now: () => number;
  readonly #defaultTtl: number;
  readonly #maxTtl: number;
  readonly #pollIntervalMs: number;

  constructor(executor: Executor, options: TaskTableOptions = {}) {
    this.#executor = executor;
    this.#now = options.wallClock ?? Date.now;
    this.#defaultTtl = options.defaultTtlMs ?? DEFAULT_TTL_MS;
    this.#maxTtl = options.maxTtlMs ?? MAX_TTL_MS;
    this.#pollIntervalMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
    void this.#watch(executor.bus.consumer(`mcp-tasks-${randomId(8)}`, { from: 'now' }));
  }

  /** Follows the notices of every task's job: prompts park a task, ends finish it. */
  async #watch(consumer: ReturnType<Executor['bus']['consumer']>): Promise<void> {
    for (;;) {
      let notice: Notice;
      try {
        notice = await consumer.next(this.#stop.signal);
      } catch {
        await consumer.close?.();
        return;
      }
      if (notice.kind === 'input_required') {
        this.#prompts.set(notice.jobId, notice.tail);
        if (this.#prompts.size > 1_000) this.#prompts.delete(this.#prompts.keys().next().value as string);
      } else {
        this.#prompts.delete(notice.jobId);
      }
      const entry = this.#byJob.get(notice.jobId);
      if (!entry || isTerminal(entry.task.status)) continue;
      if (notice.kind === 'input_required') this.#ask(entry, notice.tail);
      else if (isFinalNotice(notice)) void this.#end(entry);
    }
  }

  #ask(entry: Entry, prompt: string): void {
    const id = `input-${randomId(8)}`;
    entry.asking = id;
    this.#set(entry, {
      status: 'input_required',
      statusMessage: prompt,
      inputRequests: {
        [id]: {
          method: 'elicitation/create',
          params: {
            mode: 'form',
            message: prompt || 'The job waits for input.',
            requestedSchema: {
              type: 'object',
              properties: { input: { type: 'string', description: "the line to write to the job's stdin" } },
              required: ['input'],
            },
          },
        },
      },
    });
  }

  async #end(entry: Entry): Promise<void> {
    const job = this.#executor.get(entry.jobId);
    const outcome = await entry.finish(job).catch((error: unknown): { error: TaskError } => ({
      error: { code: -32603, message: error instanceof Error ? error.message : String(error) },
    }));
    if (isTerminal(entry.task.status)) return;
    if ('error' in outcome) this.#set(entry, { status: 'failed', error: outcome.error });
    else this.#set(entry, { status: 'completed', result: outcome.result });
  }

  #set(entry: Entry, change: Partial<DetailedTask>): void {
    const { inputRequests: _a, statusMessage: _b, ...rest } = entry.task;
    entry.task = { ...rest, ...change, lastUpdatedAt: new Date(this.#now()).toISOString() };
    if (isTerminal(entry.task.status)) {
      entry.expiresAt = this.#now() + entry.task.ttlMs;
      entry.asking = undefined;
    }
    for (const listen of this.#listeners) listen(this.get(entry.task.taskId, entry.owner) as DetailedTask, entry.owner);
  }

  /** Creates the task that follows job `jobId`, durably (a `get` right after finds it). */
  create(jobId: string, options: { owner: string; finish: Finish; ttlMs?: number }): DetailedTask {
    this.#sweep();
    const at = new Date(this.#now()).toISOString();
    const ttlMs = Math.min(Math.max(1, Math.round(options.ttlMs ?? this.#defaultTtl)), this.#maxTtl);
    const task: DetailedTask = {
      taskId: randomId(32),
      status: 'working',
      createdAt: at,
      lastUpdatedAt: at,
      ttlMs,
      pollIntervalMs: this.#pollIntervalMs,
    };
    const entry: Entry = { task, owner: options.owner, jobId, finish: options.finish };
    this.#entries.set(task.taskId, entry);
    this.#byJob.set(jobId, entry);
    // The job may have ended before the task existed: finish it now.
    const state = this.#executor.get(jobId).state;
    if (state !== 'queued' && state !== 'running') void this.#end(entry);
    else if (this.#prompts.has(jobId)) this.#ask(entry, this.#prompts.get(jobId) as string);
    return { ...entry.task, status: 'working' };
  }

  #find(taskId: string, owner: string): Entry | undefined {
    this.#sweep();
    const entry = this.#entries.get(taskId);
    return entry && entry.owner === owner ? entry : undefined;
  }

  /** The task as `tasks/get` shows it, or undefined (unknown, expired or another owner's). */
  get(taskId: string, owner: string): DetailedTask | undefined {
    const entry = this.#find(taskId, owner);
    if (!entry) return undefined;
    const { result, error, inputRequests, ...base } = entry.task;
    return {
      ...base,
      ...(entry.task.status === 'completed' && result ? { result } : {}),
      ...(entry.task.status === 'failed' && error ? { error } : {}),
      ...(entry.task.status === 'input_required' && inputRequests ? { inputRequests } : {}),
    };
  }

  /** Cancels a task: kills its job's tree, and the task is `cancelled`. False when unknown. */
  async cancel(taskId: string, owner: string): Promise<boolean> {
    const entry = this.#find(taskId, owner);
    if (!entry) return false;
    if (isTerminal(entry.task.status)) return true;
    this.#set(entry, { status: 'cancelled', statusMessage: 'cancelled by the client; the job was killed' });
    await this.#executor.kill(entry.jobId).catch(() => {});
    return true;
  }

  /**
   * Delivers answers to the task's input requests: an accepted answer is written to the job's
   * stdin (then the task is `working` again), a declined or cancelled one closes its stdin.
   * Answers to ids not pending are ignored. False when the task is unknown.
   */
  async update(taskId: string, owner: string, responses: Record<string, unknown>): Promise<boolean> {
    const entry = this.#find(taskId, owner);
    if (!entry) return false;
    const asking = entry.asking;
    if (asking === undefined || !(asking in responses) || entry.task.status !== 'input_required') return true;
    const answer = responses[asking] as { action?: unknown; content?: unknown } | undefined;
    entry.asking = undefined;
    this.#prompts.delete(entry.jobId);
    this.#set(entry, { status: 'working' });
    if (answer?.action === 'accept') await this.#executor.write(entry.jobId, `${answerLine(answer.content)}\n`).catch(() => {});
    else await this.#executor.closeStdin(entry.jobId).catch(() => {});
    return true;
  }

  /** Calls `listen` on every status change of every task (for `notifications/tasks`). */
  onChange(listen: (task: DetailedTask, owner: string) => void): () => void {
    this.#listeners.add(listen);
    return () => this.#listeners.delete(listen);
  }

  /** Forgets tasks past their ttl. */
  #sweep(): void {
    const now = this.#now();
    for (const [id, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
        this.#entries.delete(id);
        if (this.#byJob.get(entry.jobId) === entry) this.#byJob.delete(entry.jobId);
      }
    }
  }

  /** Stops following jobs (the executor is closed by its owner). */
  close(): void {
    this.#stop.abort();
    this.#listeners.clear();
  }
}
