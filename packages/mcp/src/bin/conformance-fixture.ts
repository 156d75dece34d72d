#!/usr/bin/env node
// The fixture server of the MCP conformance suite's tasks-* scenarios, built on the same task
// layer as bgtasks-mcp (stateless-server.ts, task-table.ts): the suite's fixture tools are
// bgtasks jobs. `slow_compute` sleeps, `failing_job` exits 1 (a tool error: completed +
// isError), `protocol_error_job` ends as a protocol error (failed + error), `confirm_delete`
// waits at a prompt for input through tasks/update, `greet` answers at once. 2025-11-25 clients
// get the bgtasks tools through the SDK, as from bgtasks-mcp.
// Usage: conformance-fixture.ts [--port N]   (no token: the suite sends none; loopback only)
import process from 'node:process';
import { BackgroundExecutor, type Executor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { createMcpServer, MCP_SERVER_VERSION } from '../create-server.ts';
import { serveMcpHttp } from '../http.ts';
import { createStatelessServer, MISSING_CLIENT_CAPABILITY, RpcError, type StatelessTool } from '../stateless-server.ts';
import { type Finish, TaskTable } from '../task-table.ts';

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
const text = (t: string, isError = false) => ({ content: [{ type: 'text' as const, text: t }], isError });
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** A fixture tool whose work is a bgtasks job. */
function jobTool(
  executor: Executor,
  name: string,
  taskSupport: 'optional' | 'required',
  command: (args: Record<string, unknown>) => string,
  finish: Finish,
  stdin: 'pipe' | 'null' = 'null',
): StatelessTool {
  return {
    tool: { name, description: `conformance fixture: ${name}`, inputSchema: { type: 'object' }, execution: { taskSupport } },
    async run(args) {
      const job = await executor.submit({ command: command(record(args)), stdin });
      return { jobId: job.id, finish };
    },
  };
}

/** A fixture tool that answers at once. */
function plainTool(name: string, run: StatelessTool['run']): StatelessTool {
  return {
    tool: {
      name,
      description: `conformance fixture: ${name}`,
      inputSchema: { type: 'object' },
      execution: { taskSupport: 'forbidden' },
    },
    run,
  };
}

/** The diagnostic tools of the suite's server-stateless scenario (the stateless core's own checks). */
const diagnosticTools: StatelessTool[] = [
  plainTool('test_missing_capability', async (_args, _signal, round) => {
    if (!('sampling' in round.clientCapabilities)) {
      throw new RpcError(MISSING_CLIENT_CAPABILITY, 'this tool needs the sampling capability', 400, {
        requiredCapabilities: { sampling: {} },
      });
    }
    return { result: text('the client declared sampling') };
  }),
  plainTool('test_streaming_elicitation', async () => ({
    inputRequests: {
      confirm: {
        method: 'elicitation/create',
        params: {
          mode: 'form',
          message: 'Confirm?',
          requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
        },
      },
    },
  })),
  plainTool('test_logging_tool', async () => ({ result: text('no log level was asked for, so nothing was logged') })),
];

function fixtureTools(executor: Executor): StatelessTool[] {
  const output: Finish = async (job) => ({
    result: text(executor.tail(job.id).trim() || `${job.state}`, job.state !== 'completed'),
  });
  return [
    ...diagnosticTools,
    {
      tool: {
        name: 'greet',
        description: 'conformance fixture: greet',
        inputSchema: { type: 'object' },
        execution: { taskSupport: 'forbidden' },
      },
      async run(args) {
        const name = record(args).name;
        return { result: text(`Hello, ${typeof name === 'string' ? name : 'World'}!`) };
      },
    },
    jobTool(
      executor,
      'slow_compute',
      'optional',
      (a) => `sleep ${Math.max(0, Math.min(Number(a.seconds) || 0, 600))}; echo ${quote(`computed ${String(a.label ?? '')}`)}`,
      output,
    ),
    jobTool(executor, 'failing_job', 'required', () => 'sleep 1; echo "failing_job failed" >&2; exit 1', output),
    jobTool(
      executor,
      'protocol_error_job',
      'optional',
      () => 'sleep 0.5; exit 3',
      async (job) => ({
        error: { code: -32603, message: `internal error: the job behind the task ended ${job.state} (exit ${job.exitCode})` },
      }),
    ),
    {
      // Two rounds (SEP-2322, then SEP-2663): ask for a name; with the answer, a task that echoes it.
      tool: {
        name: 'test_tool_with_task',
        description: 'conformance fixture: test_tool_with_task',
        inputSchema: { type: 'object' },
        execution: { taskSupport: 'required' },
      },
      async run(_args, _signal, round) {
        const answer = Object.values(record(round.inputResponses))[0] as { content?: Record<string, unknown> } | undefined;
        const name = answer?.content?.name ?? answer?.content?.user_name;
        if (typeof name !== 'string') {
          return {
            inputRequests: {
              user_name: {
                method: 'elicitation/create',
                params: {
                  mode: 'form',
                  message: 'What is your name?',
                  requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
                },
              },
            },
            requestState: 'asked-name',
          };
        }
        const job = await executor.submit({ command: `sleep 0.5; echo ${quote(`Hello, ${name}!`)}` });
        return { jobId: job.id, finish: output };
      },
    },
    jobTool(
      executor,
      'confirm_delete',
      'optional',
      (a) => `printf '%s' ${quote(`Delete ${String(a.filename ?? 'the file')}? [y/N] `)}; read answer; echo "answer: $answer"`,
      output,
      'pipe',
    ),
  ];
}

const portIndex = process.argv.indexOf('--port');
const port = portIndex === -1 ? 0 : Number(process.argv[portIndex + 1]);
const runtime = createRuntime();
const executor = new BackgroundExecutor(runtime, { killGraceMs: 500, promptIdleMs: 200 });
const tasks = new TaskTable(executor, { pollIntervalMs: 200 });
const stateless = createStatelessServer({
  tools: fixtureTools(executor),
  tasks,
  name: 'bgtasks-conformance-fixture',
  version: MCP_SERVER_VERSION,
  inlineMs: 100,
  sleep: (ms, signal) => runtime.sleep(ms, signal),
  waitJob: (id, signal) =>
    executor.wait([id], signal ? { signal } : {}).then(
      () => !['queued', 'running'].includes(executor.get(id).state),
      () => false,
    ),
  getJob: (id) => executor.get(id),
});
const http = await serveMcpHttp({
  createSession: () => createMcpServer({ executor: new BackgroundExecutor(runtime) }),
  stateless,
  token: null,
  port,
  sleep: (ms, signal) => runtime.sleep(ms, signal),
});
runtime.onShutdown(() => http.close());
process.stdout.write(`conformance fixture at ${http.url}\n`);
