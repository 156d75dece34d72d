/**
 * The bgtasks tools for the stateless revision (2026-07-28): the same descriptors and validation
 * as every adapter; `bg_bash` hands back its job so the server can make it a task (the job's end
 * becomes the task's result, told as `check_bg` tells it, `isError` unless it exited 0).
 */
import type { Executor } from '@bgtasks/core';
import { pollingTools, type ToolDescriptor } from '@bgtasks/polling';
import { MCP_SERVER_VERSION } from './create-server.ts';
import { createStatelessServer, type StatelessServer, type StatelessTool } from './stateless-server.ts';
import { type Finish, TaskTable } from './task-table.ts';
import { argumentsError, resultOf, TASK_TOOL, toolOf } from './tool-results.ts';

/**
 * The tools of `bgtasks-mcp` over `executor`, for {@link createStatelessServer}.
 * @example
 * const server = createStatelessServer({ tools: bgtasksStatelessTools(executor), ... });
 */
export function bgtasksStatelessTools(executor: Executor): StatelessTool[] {
  const tools = pollingTools(executor).tools;
  const checkBg = tools.find((t) => t.name === 'check_bg') as ToolDescriptor;
  const finish: Finish = async (job) => {
    const told = await checkBg.execute({ id: job.id }, { signal: new AbortController().signal });
    return { result: resultOf({ ...told, isError: told.isError || job.state !== 'completed' }) };
  };
  return tools.map((descriptor) => ({
    tool: toolOf(descriptor),
    async run(args, signal) {
      const refused = argumentsError(descriptor.name, args);
      if (refused) return { result: resultOf(refused) };
      const outcome = await descriptor.execute(args ?? {}, { signal });
      const jobId = descriptor.name === TASK_TOOL && !outcome.isError ? outcome.startedJobs?.[0] : undefined;
      if (jobId === undefined) return { result: resultOf(outcome) };
      // Without the extension a client gets what a plain call gets: the job id, at once.
      return { jobId, finish, started: resultOf(outcome) };
    },
  }));
}

/** Options of {@link createStatelessMcpServer}. */
export interface StatelessMcpServerOptions {
  executor: Executor;
  /** Server name and version announced by `server/discover`. */
  name?: string;
  version?: string;
  /** A job that ends within this long is answered inline, not as a task. Default 250 ms. */
  inlineMs?: number;
  /** Suggested `tasks/get` interval. Default 1000 ms. */
  pollIntervalMs?: number;
}

/**
 * `bgtasks-mcp` for revision 2026-07-28: the bgtasks tools, tasks on their jobs.
 * @example
 * const stateless = createStatelessMcpServer({ executor });
 * await serveMcpHttp({ createSession, stateless: stateless.server, sleep });
 */
export function createStatelessMcpServer(options: StatelessMcpServerOptions): { server: StatelessServer; tasks: TaskTable } {
  const { executor } = options;
  const tasks = new TaskTable(executor, {
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
  });
  const server = createStatelessServer({
    tools: bgtasksStatelessTools(executor),
    tasks,
    name: options.name ?? 'bgtasks',
    version: options.version ?? MCP_SERVER_VERSION,
    instructions:
      'Run slow shell commands in the background with bg_bash and keep working; a long job becomes a task ' +
      '(tasks/get, or notifications/tasks on subscriptions/listen). check_bg, bg_wait, bg_output and bg_kill inspect, await, read and stop jobs.',
    ...(options.inlineMs !== undefined ? { inlineMs: options.inlineMs } : {}),
    sleep: (ms, signal) => executor.runtime.sleep(ms, signal),
    waitJob: (id, signal) =>
      executor.wait([id], signal ? { signal } : {}).then(
        () => !['queued', 'running'].includes(executor.get(id).state),
        () => false,
      ),
    getJob: (id) => executor.get(id),
  });
  return { server, tasks };
}
