/**
 * One MCP session over an {@link Executor}: the polling tool descriptors (`bg_bash`, `check_bg`,
 * `bg_wait`, `bg_output`, `bg_kill`) served through the SDK's `Server`, with `bg_bash`
 * task-capable (`execution.taskSupport: 'optional'`) and the SDK's task handlers over a
 * {@link JobTaskStore}.
 *
 * Why the SDK's `Server` and not `McpServer.registerToolTask`: McpServer answers a plain call of a
 * task-capable tool by creating a task and polling it to the end, so a plain `bg_bash` would
 * block until its job ended; bgtasks answers it at once with the job id. The tools also bring
 * their own zod validation and error text (shared with every other adapter), which McpServer
 * would replace with its own.
 */
import type { Executor } from '@bgtasks/core';
import { pollingTools, type ToolDescriptor, type ToolOutcome } from '@bgtasks/polling';
import type { CreateTaskRequestHandlerExtra } from '@modelcontextprotocol/sdk/experimental/tasks';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CreateTaskResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { RawArguments } from './json-rpc-gate.ts';
import { NoticeRider } from './notice-rider.ts';
import { JobTaskStore, type JobTaskStoreOptions } from './task-store.ts';
import { argumentsError, resultOf, TASK_TOOL, toolOf } from './tool-results.ts';

/** The `_meta` key whose text a host may hand the model at once while a task runs (spec 2025-11-25). */
export const IMMEDIATE_RESPONSE_META = 'io.modelcontextprotocol/model-immediate-response';

/** The version this server announces. */
export const MCP_SERVER_VERSION = '0.1.0';

/** Options of {@link createMcpServer}. */
export interface McpServerOptions extends Omit<JobTaskStoreOptions, 'onStatus'> {
  /** Runs the jobs. One per session: closing the session closes it (see {@link closeExecutor}). */
  executor: Executor;
  /**
   * Append the `<bg_notice>` blocks of jobs that ended since the last result to every tool
   * result (for clients without Tasks). Default true.
   */
  notices?: boolean;
  /** Close the executor (killing every job group) when the session closes. Default true. */
  closeExecutor?: boolean;
  /**
   * Name of the bus consumer the notices ride on. Given (a durable executor: `mcp`), it also
   * receives the notices published before the session (those a crashed server left unacked);
   * default: a name of its own, from now on.
   */
  noticeConsumer?: string;
  /** Server name and version announced at initialization. */
  name?: string;
  version?: string;
}

/** A session's server and the store behind its tasks. */
export interface McpSession {
  /** The SDK server: `await session.server.connect(transport)`. */
  readonly server: Server;
  readonly taskStore: JobTaskStore;
  readonly executor: Executor;
  /**
   * `tools/call` arguments exactly as the client sent them, kept by the transport's gate
   * (`LineTransport`, the HTTP handler) for the tool's own validation; see `json-rpc-gate.ts`.
   */
  readonly rawArguments: RawArguments;
  /** Resolves once the session closed and (by default) every job of it has ended. */
  readonly closed: Promise<void>;
  /** Closes the connection, stops watching jobs, and closes the executor (unless told not to). */
  close(): Promise<void>;
}

/**
 * Creates the server of one MCP session. Connect it to a transport (stdio, Streamable HTTP, in
 * memory); its jobs are killed when the session closes.
 * @example
 * const session = createMcpServer({ executor: new BackgroundExecutor(createRuntime()) });
 * await session.server.connect(new StdioServerTransport());
 */
export function createMcpServer(options: McpServerOptions): McpSession {
  const { executor } = options;
  const tools = pollingTools(executor).tools;
  const byName = new Map<string, ToolDescriptor>(tools.map((t) => [t.name, t]));
  const checkBg = byName.get('check_bg') as ToolDescriptor;
  const listed = tools.map(toolOf);
  const rider =
    options.notices === false
      ? undefined
      : new NoticeRider(
          options.noticeConsumer !== undefined
            ? executor.bus.consumer(options.noticeConsumer)
            : executor.bus.consumer(`mcp-${crypto.randomUUID()}`, { from: 'now' }),
        );
  const stop = new AbortController();

  let server: Server;
  const taskStore = new JobTaskStore(executor, {
    ...options,
    // The SDK's cancel handler does not announce the change; the store does, through the server.
    onStatus: (task) => {
      server.notification({ method: 'notifications/tasks/status', params: task }).catch(() => {});
    },
  });
  // `Server` is what McpServer wraps; see the module comment for why this adapter uses it directly.
  server = new Server(
    { name: options.name ?? 'bgtasks', version: options.version ?? MCP_SERVER_VERSION },
    {
      capabilities: {
        tools: {},
        tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
      },
      taskStore,
      instructions:
        'Run slow shell commands in the background with bg_bash and keep working; ' +
        (rider ? 'every tool result tells you which jobs ended (<bg_notice> blocks). ' : '') +
        'Use check_bg, bg_wait, bg_output and bg_kill to inspect, await, read and stop jobs.',
    },
  );

  /** Watches a task's job and stores its result, told as `check_bg` tells it. */
  const follow = async (taskId: string, jobId: string, store: CreateTaskRequestHandlerExtra['taskStore']): Promise<void> => {
    await executor.wait([jobId], { signal: stop.signal });
    if (!taskStore.isOpen(taskId)) return;
    const told = await checkBg.execute({ id: jobId }, { signal: stop.signal });
    const failed = executor.get(jobId).state !== 'completed';
    // A job that ran and failed (or timed out) is a tool result with isError, not a task failure:
    // `failed` is for protocol errors, and a client shows a failed task as an error without the
    // result, losing the job's output and exit code exactly when they matter (SEP-2663 says so
    // outright; 2025-11-25 allows it: "completed" means the request finished, isError says how).
    await store.storeTaskResult(taskId, 'completed', resultOf({ ...told, isError: told.isError || failed }));
  };

  const startTask = async (
    tool: ToolDescriptor,
    args: unknown,
    extra: CreateTaskRequestHandlerExtra,
    ttl: number | undefined,
    refused?: ToolOutcome,
  ): Promise<CreateTaskResult> => {
    const outcome = refused ?? (await tool.execute(args, { signal: extra.signal }));
    const jobId = outcome.isError ? undefined : outcome.startedJobs?.[0];
    // At once, before any await: a concurrent plain call must not take this job's notice.
    if (jobId !== undefined) rider?.silence(jobId);
    const task = await extra.taskStore.createTask({ ...(ttl !== undefined ? { ttl } : {}) });
    if (jobId === undefined) {
      // Bad input: the task completes at once with the same isError result a plain call gets.
      await extra.taskStore.storeTaskResult(task.taskId, 'completed', resultOf(outcome));
    } else {
      taskStore.bindJob(task.taskId, jobId);
      follow(task.taskId, jobId, extra.taskStore).catch(() => {});
    }
    const current = await extra.taskStore.getTask(task.taskId);
    return { task: current, _meta: { [IMMEDIATE_RESPONSE_META]: outcome.text } };
  };

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
  const rawArguments = new RawArguments();
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, task } = request.params;
    // The arguments as sent (own `__proto__` key and all), when a gate kept them; the SDK's parse
    // of them is only a fallback for transports without one (in memory).
    const kept = rawArguments.take(extra.requestId);
    const args = kept.found ? kept.value : request.params.arguments;
    const tool = byName.get(name);
    if (!tool) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `unknown tool "${String(name).slice(0, 100)}"; tools: ${[...byName.keys()].join(', ')}`,
      );
    }
    const refused = argumentsError(name, args);
    if (task) {
      if (name !== TASK_TOOL) {
        throw new McpError(
          ErrorCode.MethodNotFound,
          `${name} cannot run as a task (execution.taskSupport is forbidden); call it without "task"`,
        );
      }
      return startTask(tool, args ?? {}, extra as CreateTaskRequestHandlerExtra, task.ttl, refused);
    }
    const outcome = refused ?? (await tool.execute(args ?? {}, { signal: extra.signal }));
    const ride = rider?.take(outcome.endedJobs);
    // A cancelled request gets no answer from the SDK: its notices wait for the next result.
    if (extra.signal.aborted) await ride?.release();
    else await ride?.ack();
    return resultOf(outcome, ride?.text);
  });

  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stop.abort();
      taskStore.close();
      await server.close().catch(() => {});
      if (options.closeExecutor !== false) await executor.close();
      markClosed();
    })();
    return closing;
  };
  server.onclose = () => {
    void close();
  };
  return { server, taskStore, executor, rawArguments, closed, close };
}
