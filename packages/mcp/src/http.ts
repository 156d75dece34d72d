/**
 * Streamable HTTP for the MCP server, as a web-standard `(Request) => Promise<Response>` handler
 * (the SDK's `WebStandardStreamableHTTPServerTransport`, one per session), so it runs on the
 * server of each runtime (`serve()` of `@bgtasks/runtime`: node:http, Bun.serve, Deno.serve).
 *
 * A server that runs shell commands is an attack surface: it binds loopback only, every request
 * must name this server in `Host` (and, when it has one, in `Origin`), which defeats DNS
 * rebinding and cross-site requests from a browser page, and every request must carry the
 * server's bearer token (see `bearer.ts`), which keeps out other local users. Each session has
 * its own executor; a session ends on DELETE, or when its client's event stream drops and no
 * request follows within a grace period, and its jobs are killed then.
 */
import { serve } from '@bgtasks/runtime';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { generateToken, hasBearer, WWW_AUTHENTICATE } from './bearer.ts';
import type { McpSession } from './create-server.ts';
import { McpUsageError } from './errors.ts';
import { BoundedEventStore } from './event-store.ts';
import { type Admission, admit, parseErrorReply, type RawArguments } from './json-rpc-gate.ts';
import { MAX_LINE_BYTES } from './line-transport.ts';
import { serveStateless, wantsStateless } from './stateless-http.ts';
import type { StatelessServer } from './stateless-server.ts';

/** The path the MCP endpoint answers on. */
export const MCP_PATH = '/mcp';
/** Sessions open at once by default; more are refused with 503. */
export const DEFAULT_MAX_SESSIONS = 16;
/** How long a session whose event stream dropped waits for its client to come back. */
export const DEFAULT_RECONNECT_GRACE_MS = 5_000;

/** A session with no event stream, no request and no live job for this long is closed. */
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

/** How long clients are told to wait before reconnecting a broken event stream. */
export const RETRY_INTERVAL_MS = 1_000;

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;

/** Options of {@link createMcpHttpHandler}. */
export interface McpHttpHandlerOptions {
  /** Creates the server of a new session (each with its own executor). */
  createSession: () => McpSession | Promise<McpSession>;
  /** `Host` values accepted, e.g. `127.0.0.1:8123` (see {@link loopbackHosts}). */
  allowedHosts: () => readonly string[];
  /**
   * The bearer token every request must carry (`Authorization: Bearer <token>`); a request
   * without it gets 401 before anything else happens. `null` turns the check off: only for a
   * client that cannot send a header (the conformance runner), never on a shared machine.
   */
  token: string | null;
  /** `Origin` values accepted when a request has one. Default: `http://` + each allowed host. */
  allowedOrigins?: () => readonly string[];
  /**
   * Serves MCP revision 2026-07-28 (stateless, the tasks extension) beside the sessions of
   * 2025-11-25: a POST without a session whose `_meta` names its protocol version goes here.
   */
  stateless?: StatelessServer;
  /** Default {@link DEFAULT_MAX_SESSIONS}. */
  maxSessions?: number;
  /** Default {@link DEFAULT_RECONNECT_GRACE_MS}. */
  reconnectGraceMs?: number;
  /**
   * Closes a session that holds no event stream, sent no request and ran no job for this long
   * (a client that left without DELETE). Default {@link DEFAULT_SESSION_IDLE_MS}.
   */
  idleMs?: number;
  /** Timers for the reconnect grace. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The handler and its sessions. */
export interface McpHttpHandler {
  fetch(request: Request): Promise<Response>;
  /** Sessions open now. */
  readonly sessions: number;
  /** Closes every session (killing their jobs). */
  close(): Promise<void>;
}

interface Open {
  transport: WebStandardStreamableHTTPServerTransport;
  session: McpSession;
  /** Event streams (GET) open now. */
  streams: number;
  /** Aborted when a request arrives, ending a reconnect grace. */
  grace?: AbortController;
  /** Restarted by every request. */
  idle?: AbortController;
}

function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Reads a body of at most `limit` bytes (`undefined` when longer), without buffering more. */
async function readBounded(request: Request, limit: number): Promise<string | undefined> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) return undefined;
  const reader = request.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * The JSON-RPC body of a POST through the gate of `json-rpc-gate.ts` (the same as stdio's):
 * `{ body }` to hand the transport, or `{ response }` with the spec's error. Other requests, and
 * bodies that are not JSON by their content type, pass untouched (the transport refuses those).
 */
async function gateBody(request: Request): Promise<{ body?: unknown } | { response: Response }> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (request.method !== 'POST' || type !== 'application/json') return {};
  const text = await readBounded(request, MAX_LINE_BYTES);
  if (text === undefined) {
    return { response: jsonRpcError(413, -32600, `Invalid Request: body over ${MAX_LINE_BYTES} bytes`) };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const reply = parseErrorReply(error instanceof Error ? error.message.slice(0, 200) : 'not JSON');
    return { response: Response.json(reply, { status: 400 }) };
  }
  for (const value of Array.isArray(body) ? body : [body]) {
    const admission = admit(value);
    if (!('message' in admission)) {
      // A notification the gate drops still gets HTTP's 202, as an accepted notification would.
      if (admission.reply === undefined) return { response: new Response(null, { status: 202 }) };
      return { response: Response.json(admission.reply, { status: 400 }) };
    }
  }
  return { body };
}

/** The gated body as handed to a session's transport: its `tools/call` arguments kept in `raw`. */
function forSession(body: unknown, raw: RawArguments): { parsedBody: unknown } | undefined {
  if (body === undefined) return undefined;
  const pass = (value: unknown) => (admit(value, raw) as Extract<Admission, { message: unknown }>).message;
  return { parsedBody: Array.isArray(body) ? body.map(pass) : pass(body) };
}

/** The `Host` values under which a loopback server on `port` is reached. */
export function loopbackHosts(port: number): string[] {
  return LOOPBACK_NAMES.map((name) => `${name}:${port}`);
}

/**
 * The MCP endpoint as a fetch handler.
 * @example
 * const handler = createMcpHttpHandler({ createSession, token, allowedHosts: () => loopbackHosts(port), sleep: runtime.sleep });
 */
export function createMcpHttpHandler(options: McpHttpHandlerOptions): McpHttpHandler {
  const open = new Map<string, Open>();
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const graceMs = options.reconnectGraceMs ?? DEFAULT_RECONNECT_GRACE_MS;
  const origins = (): readonly string[] => options.allowedOrigins?.() ?? options.allowedHosts().map((h) => `http://${h}`);
  let closed = false;

  const idleMs = options.idleMs ?? DEFAULT_SESSION_IDLE_MS;
  const forget = (id: string | undefined, entry: Open): void => {
    if (id !== undefined && open.get(id) === entry) open.delete(id);
    entry.grace?.abort();
    entry.idle?.abort();
    void entry.session.close();
  };

  /** (Re)starts the idle clock; when it runs out the session goes unless a stream or a job is live. */
  const armIdle = (id: string, entry: Open): void => {
    entry.idle?.abort();
    const idle = new AbortController();
    entry.idle = idle;
    options.sleep(idleMs, idle.signal).then(
      () => {
        const busy =
          entry.streams > 0 || entry.session.executor.list().some((j) => j.state === 'queued' || j.state === 'running');
        if (busy) armIdle(id, entry);
        else forget(id, entry);
      },
      () => {},
    );
  };

  const streamDropped = (id: string, entry: Open): void => {
    entry.streams--;
    if (entry.streams > 0 || graceMs <= 0) {
      if (entry.streams === 0) forget(id, entry);
      return;
    }
    const grace = new AbortController();
    entry.grace = grace;
    options.sleep(graceMs, grace.signal).then(
      () => {
        if (entry.streams === 0) forget(id, entry);
      },
      () => {},
    );
  };

  const fetch = async (request: Request): Promise<Response> => {
    const host = request.headers.get('host');
    if (!host || !options.allowedHosts().includes(host)) {
      return jsonRpcError(
        403,
        -32000,
        `Forbidden: Host header ${JSON.stringify(host?.slice(0, 100) ?? null)} is not this server`,
      );
    }
    const origin = request.headers.get('origin');
    if (origin !== null && !origins().includes(origin)) {
      return jsonRpcError(403, -32000, `Forbidden: Origin ${JSON.stringify(origin.slice(0, 100))} may not call this server`);
    }
    if (options.token !== null && !(await hasBearer(request, options.token))) {
      return jsonRpcError(401, -32000, 'Unauthorized: send "Authorization: Bearer <token>" with the token bgtasks-mcp printed', {
        'www-authenticate': WWW_AUTHENTICATE,
      });
    }
    if (new URL(request.url).pathname !== MCP_PATH)
      return jsonRpcError(404, -32000, `Not found: the MCP endpoint is ${MCP_PATH}`);
    if (closed) return jsonRpcError(503, -32000, 'the server is shutting down');
    const gated = await gateBody(request);
    if ('response' in gated) return gated.response;
    if (options.stateless && wantsStateless(request, gated.body)) return serveStateless(options.stateless, request, gated.body);

    const id = request.headers.get('mcp-session-id');
    if (id !== null) {
      const entry = open.get(id);
      if (!entry) return jsonRpcError(404, -32001, 'Session not found: initialize a new session');
      entry.grace?.abort();
      entry.grace = undefined;
      armIdle(id, entry);
      const response = await entry.transport.handleRequest(request, forSession(gated.body, entry.session.rawArguments));
      if (request.method === 'GET' && response.ok) {
        entry.streams++;
        // The client may already have gone while the stream was being set up.
        if (request.signal.aborted) streamDropped(id, entry);
        else request.signal.addEventListener('abort', () => streamDropped(id, entry), { once: true });
      }
      return response;
    }
    if (request.method !== 'POST') return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    if (open.size >= maxSessions)
      return jsonRpcError(503, -32000, `Too many sessions (${maxSessions}); end one with DELETE first`);

    const session = await options.createSession();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      // The checks above already ran; the transport repeats them for requests it handles itself.
      enableDnsRebindingProtection: true,
      allowedHosts: [...options.allowedHosts()],
      allowedOrigins: [...origins()],
      // Resumable streams: a client whose stream breaks reconnects with Last-Event-ID.
      eventStore: new BoundedEventStore(),
      retryInterval: RETRY_INTERVAL_MS,
    });
    const entry: Open = { transport, session, streams: 0 };
    transport.onclose = () => forget(transport.sessionId, entry);
    await session.server.connect(transport);
    const response = await transport.handleRequest(request, forSession(gated.body, session.rawArguments));
    if (transport.sessionId === undefined) {
      // Not an initialize request: no session was made, so nothing may linger.
      forget(undefined, entry);
    } else if (closed) {
      forget(transport.sessionId, entry);
    } else {
      open.set(transport.sessionId, entry);
      armIdle(transport.sessionId, entry);
    }
    return response;
  };

  return {
    fetch,
    get sessions() {
      return open.size;
    },
    async close() {
      closed = true;
      const entries = [...open.entries()];
      open.clear();
      await Promise.all(entries.map(([, e]) => e.session.close()));
    },
  };
}

/** Options of {@link serveMcpHttp}. */
export interface ServeMcpHttpOptions extends Omit<McpHttpHandlerOptions, 'allowedHosts' | 'allowedOrigins' | 'token'> {
  /**
   * The bearer token clients must send. Default: a fresh random one (see {@link McpHttpServer.token});
   * `null` turns the check off (see {@link McpHttpHandlerOptions.token}).
   */
  token?: string | null;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A loopback address: `127.0.0.1` (default), `localhost` or `::1`. */
  hostname?: string;
}

/** A listening MCP HTTP server. */
export interface McpHttpServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:8123/mcp`. */
  readonly url: string;
  readonly port: number;
  /** The bearer token every request must carry, or `null` when the check is off. */
  readonly token: string | null;
  readonly handler: McpHttpHandler;
  /** Closes every session (killing their jobs) and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves the MCP endpoint on loopback with the runtime's own HTTP server.
 * @example
 * const http = await serveMcpHttp({ createSession, sleep: runtime.sleep });
 * console.log(http.url, http.token); // clients send `Authorization: Bearer ${http.token}`
 */
export async function serveMcpHttp(options: ServeMcpHttpOptions): Promise<McpHttpServer> {
  const hostname = options.hostname ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(hostname)) {
    throw new McpUsageError(`the MCP server binds loopback only (127.0.0.1, localhost or ::1), not ${JSON.stringify(hostname)}`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new McpUsageError(`port must be 0-65535, got ${port}`);
  let bound = 0;
  const token = options.token === undefined ? generateToken() : options.token;
  const handler = createMcpHttpHandler({ ...options, token, allowedHosts: () => loopbackHosts(bound) });
  const server = await serve(handler.fetch, { port, hostname });
  bound = server.port;
  return {
    url: `${server.url}${MCP_PATH}`,
    port: server.port,
    token,
    handler,
    async close() {
      await handler.close();
      await server.close();
    },
  };
}
