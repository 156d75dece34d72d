/**
 * MCP revision 2026-07-28, stateless: no `initialize`, no session; every request carries its
 * protocol version and client capabilities in `params._meta`, and over HTTP mirrors its method
 * (and tool name or task id) in headers. Tasks are the `io.modelcontextprotocol/tasks` extension
 * (SEP-2663) on a {@link TaskTable}: the server decides per call whether a task is made.
 *
 * Why our own dispatcher and not an SDK: `@modelcontextprotocol/sdk` 1.x speaks 2025-11-25 only,
 * and the v2 packages (`@modelcontextprotocol/server` 2.x) speak the new revision but removed all
 * task support; the extension is exactly what bgtasks needs, so this layer implements the few
 * methods of the revision a tools-only server has (`server/discover`, `tools/list`, `tools/call`,
 * `tasks/get`, `tasks/update`, `tasks/cancel`, `subscriptions/listen`) and leaves 2025-11-25 to
 * the SDK's `Server`, beside it.
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { type DetailedTask, type Finish, TASKS_EXTENSION, type TaskTable } from './task-table.ts';

/** The revision this dispatcher serves. */
export const REVISION_2026 = '2026-07-28';
/** Every revision the server speaks (2025-11-25 through `initialize` and the SDK). */
export const SUPPORTED_REVISIONS = ['2025-11-25', REVISION_2026] as const;

/** Caching hints (SEP-2549) of results that do not change while the server runs. */
const CACHE = { cacheScope: 'private', ttlMs: 60_000 } as const;

const META = {
  version: 'io.modelcontextprotocol/protocolVersion',
  capabilities: 'io.modelcontextprotocol/clientCapabilities',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
} as const;

/** JSON-RPC codes of the revision. */
export const HEADER_MISMATCH = -32020;
export const MISSING_CLIENT_CAPABILITY = -32021;
export const UNSUPPORTED_VERSION = -32022;

/** What a tool call became: a result now, a question first (SEP-2322), or a job the server may follow as a task. */
export type ToolRun =
  | { result: CallToolResult }
  | { inputRequests: Record<string, unknown>; requestState?: string }
  | {
      jobId: string;
      /** The job's end as the task's outcome. */
      finish: Finish;
      /** What a client without the extension gets at once; absent: it waits for the job. */
      started?: CallToolResult;
    };

/** A tool of a stateless server. */
export interface StatelessTool {
  readonly tool: Tool;
  /**
   * `round` carries the caller's declared capabilities and the answers of an earlier
   * `input_required` round (multi-round tools only). Throw {@link RpcError} for a protocol error.
   */
  run(
    args: unknown,
    signal: AbortSignal,
    round: { clientCapabilities: Record<string, unknown>; inputResponses?: unknown; requestState?: unknown },
  ): Promise<ToolRun>;
}

/** Options of {@link createStatelessServer}. */
export interface StatelessServerOptions {
  tools: readonly StatelessTool[];
  tasks: TaskTable;
  name: string;
  version: string;
  instructions?: string;
  /** A job that ends within this long is answered inline, not as a task. Default 250 ms. */
  inlineMs?: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Waits until job `id` ended (true), or `signal` aborted (false). */
  waitJob: (id: string, signal?: AbortSignal) => Promise<boolean>;
  /** A snapshot of job `id`. */
  getJob: (id: string) => Parameters<Finish>[0];
}

/** One request as the transport hands it over. */
export interface StatelessRequest {
  message: { id?: unknown; method: string; params?: Record<string, unknown> };
  /** HTTP headers (absent over stdio, which has none to mirror). */
  headers?: Headers;
  /** Who asks, as the transport vouches for it (see `task-table.ts`). */
  owner: string;
  signal: AbortSignal;
}

/** The answer: a JSON-RPC response and the HTTP status it goes with. */
export interface StatelessReply {
  status: number;
  body: Record<string, unknown>;
}

/** True when a message asks for the stateless revision: its `_meta` names a protocol version. */
export function isStatelessRequest(message: unknown, headers?: Headers): boolean {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return false;
  const m = message as { method?: unknown; params?: { _meta?: Record<string, unknown> } };
  if (typeof m.method !== 'string') return false;
  if (m.params?._meta?.[META.version] !== undefined) return true;
  // Without _meta: a header naming a revision past 2025 (not on initialize, the old handshake).
  const header = headers?.get('mcp-protocol-version');
  return m.method !== 'initialize' && typeof header === 'string' && header !== '' && !/^20(24|25)-/.test(header);
}

/** A JSON-RPC error a tool (or the dispatcher) answers with, and its HTTP status. */
export class RpcError extends Error {
  readonly code: number;
  readonly status: number;
  readonly data: unknown;
  constructor(code: number, message: string, status = 400, data?: unknown) {
    super(message);
    this.code = code;
    this.status = status;
    this.data = data;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The name a request's `Mcp-Name` header must mirror, for the methods that have one. */
function nameOf(method: string, params: Record<string, unknown>): unknown {
  if (method === 'tools/call') return params.name;
  if (method === 'tasks/get' || method === 'tasks/update' || method === 'tasks/cancel') return params.taskId;
  return undefined;
}

/**
 * The stateless MCP server.
 * @example
 * const server = createStatelessServer({ tools, tasks: new TaskTable(executor), name: 'bgtasks', version, sleep, waitJob });
 * const reply = await server.handle({ message, headers, owner, signal });
 */
export function createStatelessServer(options: StatelessServerOptions) {
  const byName = new Map(options.tools.map((t) => [t.tool.name, t]));
  const inlineMs = options.inlineMs ?? 250;
  const capabilities = { tools: {}, extensions: { [TASKS_EXTENSION]: {} } };

  const complete = (result: Record<string, unknown>) => ({ ...result, resultType: 'complete' });
  const taskResult = (task: DetailedTask) => {
    const { result: _r, error: _e, inputRequests: _i, statusMessage: _s, ...flat } = task;
    return { ...flat, resultType: 'task' };
  };

  const checkHeaders = (request: StatelessRequest, version: string, params: Record<string, unknown>): void => {
    const headers = request.headers;
    if (!headers) return;
    const { method } = request.message;
    if (headers.get('mcp-protocol-version') !== version) {
      throw new RpcError(HEADER_MISMATCH, 'Header mismatch: MCP-Protocol-Version must equal _meta protocolVersion');
    }
    const headerMethod = headers.get('mcp-method');
    if (headerMethod !== method) {
      const shown = headerMethod === null ? 'missing' : JSON.stringify(headerMethod.slice(0, 100));
      throw new RpcError(HEADER_MISMATCH, `Header mismatch: Mcp-Method is ${shown}, the body's method is ${method}`);
    }
    const name = nameOf(method, params);
    const headerName = headers.get('mcp-name');
    if (name !== undefined && headerName !== name) {
      throw new RpcError(
        HEADER_MISMATCH,
        `Header mismatch: Mcp-Name is ${headerName === null ? 'missing' : 'not the body name'}`,
      );
    }
  };

  const requireTasks = (hasTasks: boolean): void => {
    if (!hasTasks) {
      throw new RpcError(MISSING_CLIENT_CAPABILITY, `this request needs the ${TASKS_EXTENSION} extension`, 400, {
        requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } },
      });
    }
  };

  const taskId = (params: Record<string, unknown>): string => {
    if (typeof params.taskId !== 'string') throw new RpcError(-32602, 'Invalid params: "taskId" must be a string');
    return params.taskId;
  };

  const callTool = async (request: StatelessRequest, params: Record<string, unknown>, hasTasks: boolean) => {
    const tool = typeof params.name === 'string' ? byName.get(params.name) : undefined;
    if (!tool) {
      throw new RpcError(
        -32602,
        `unknown tool ${JSON.stringify(String(params.name).slice(0, 100))}; tools: ${[...byName.keys()].join(', ')}`,
      );
    }
    const support = tool.tool.execution?.taskSupport;
    if (support === 'required') requireTasks(hasTasks);
    const run = await tool.run(params.arguments, request.signal, {
      clientCapabilities: (params._meta as Record<string, Record<string, unknown>>)[META.capabilities] as Record<string, unknown>,
      inputResponses: params.inputResponses,
      requestState: params.requestState,
    });
    if ('result' in run) return complete(run.result);
    if ('inputRequests' in run) return { ...run, resultType: 'input_required' };
    const { jobId, finish } = run;
    const endedInline = await Promise.race([
      options.waitJob(jobId, request.signal),
      options.sleep(inlineMs, request.signal).then(
        () => false,
        () => false,
      ),
    ]);
    if (!endedInline && hasTasks && support !== 'forbidden') {
      const ttl = isObject(params.task) && typeof params.task.ttl === 'number' ? params.task.ttl : undefined;
      return taskResult(
        options.tasks.create(jobId, { owner: request.owner, finish, ...(ttl !== undefined ? { ttlMs: ttl } : {}) }),
      );
    }
    if (!endedInline && run.started) return complete(run.started);
    if (!endedInline) await options.waitJob(jobId, request.signal);
    const outcome = await finish(options.getJob(jobId));
    if ('error' in outcome) throw new RpcError(outcome.error.code, outcome.error.message, 500, outcome.error.data);
    return complete(outcome.result);
  };

  /** The checks every request passes: `_meta`, version, headers; its params and whether it has the extension. */
  const admitMeta = (request: StatelessRequest): { params: Record<string, unknown>; hasTasks: boolean } => {
    const params = request.message.params;
    if (!isObject(params) || !isObject(params._meta)) throw new RpcError(-32602, 'Invalid params: _meta is required');
    const meta = params._meta;
    const version = meta[META.version];
    if (typeof version !== 'string') throw new RpcError(-32602, `Invalid params: _meta["${META.version}"] is required`);
    const client = meta[META.capabilities];
    if (!isObject(client)) throw new RpcError(-32602, `Invalid params: _meta["${META.capabilities}"] is required`);
    // Headers first: a body that disagrees with its own headers is a mismatch, whatever its version.
    checkHeaders(request, version, params);
    if (version !== REVISION_2026) {
      throw new RpcError(UNSUPPORTED_VERSION, `Unsupported protocol version ${JSON.stringify(version.slice(0, 50))}`, 400, {
        supported: [...SUPPORTED_REVISIONS],
        requested: version,
      });
    }
    return { params, hasTasks: isObject(client.extensions) && isObject(client.extensions[TASKS_EXTENSION]) };
  };

  const dispatch = async (request: StatelessRequest): Promise<Record<string, unknown>> => {
    const { method } = request.message;
    const { params, hasTasks } = admitMeta(request);
    switch (method) {
      case 'server/discover':
        return complete({
          ...CACHE,
          supportedVersions: [...SUPPORTED_REVISIONS],
          capabilities,
          serverInfo: { name: options.name, version: options.version },
          ...(options.instructions ? { instructions: options.instructions } : {}),
          _meta: { [META.serverInfo]: { name: options.name, version: options.version } },
        });
      case 'tools/list':
        // The list is fixed for the server's life, but the token decides who may see it: private.
        return complete({ tools: options.tools.map((t) => t.tool), ...CACHE });
      case 'tools/call':
        return callTool(request, params, hasTasks);
      case 'tasks/get': {
        requireTasks(hasTasks);
        const task = options.tasks.get(taskId(params), request.owner);
        if (!task) throw new RpcError(-32602, 'Invalid params: no such task (unknown, expired or not yours)');
        return complete({ ...task });
      }
      case 'tasks/cancel': {
        requireTasks(hasTasks);
        if (!(await options.tasks.cancel(taskId(params), request.owner)))
          throw new RpcError(-32602, 'Invalid params: no such task');
        return complete({});
      }
      case 'tasks/update': {
        requireTasks(hasTasks);
        const responses = isObject(params.inputResponses) ? params.inputResponses : {};
        if (!(await options.tasks.update(taskId(params), request.owner, responses))) {
          throw new RpcError(-32602, 'Invalid params: no such task');
        }
        return complete({});
      }
      default:
        throw new RpcError(-32601, `Method not found: ${method.slice(0, 100)}`, 404);
    }
  };

  const errorReply = (id: unknown, error: unknown): StatelessReply => {
    const e =
      error instanceof RpcError ? error : new RpcError(-32603, error instanceof Error ? error.message : String(error), 500);
    return {
      status: e.status,
      body: {
        jsonrpc: '2.0',
        id,
        error: { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) },
      },
    };
  };

  return {
    /**
     * `subscriptions/listen`: after the checks, sends `notifications/subscriptions/acknowledged`,
     * then, to a caller with the tasks extension, a `notifications/tasks` (the task as `tasks/get`
     * shows it) on every status change of its tasks, until the returned stop is called (the
     * server has no list-changed notifications: its lists are fixed). An error reply when a check fails.
     */
    listen(request: StatelessRequest, send: (message: Record<string, unknown>) => void): StatelessReply | (() => void) {
      let hasTasks = false;
      try {
        hasTasks = admitMeta(request).hasTasks;
      } catch (error) {
        return errorReply(request.message.id ?? null, error);
      }
      const subscriptionId = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const meta = { 'io.modelcontextprotocol/subscriptionId': subscriptionId };
      send({ jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { _meta: meta } });
      return options.tasks.onChange((task, owner) => {
        // Only task changes exist to tell, and only to a caller that speaks the extension.
        if (hasTasks && owner === request.owner)
          send({ jsonrpc: '2.0', method: 'notifications/tasks', params: { ...task, _meta: meta } });
      });
    },
    async handle(request: StatelessRequest): Promise<StatelessReply> {
      const id = request.message.id ?? null;
      try {
        const result = await dispatch(request);
        return { status: 200, body: { jsonrpc: '2.0', id, result } };
      } catch (error) {
        return errorReply(id, error);
      }
    },
  };
}

/** The stateless server's type. */
export type StatelessServer = ReturnType<typeof createStatelessServer>;
