/**
 * The gate every incoming JSON-RPC message passes before the SDK sees it, the same for stdio and
 * HTTP, so malformed input gets the spec's error instead of silence or a raw zod dump:
 *
 * - text that is not JSON: -32700 Parse error;
 * - JSON that is not a JSON-RPC 2.0 message: -32600 Invalid Request (with the request's id when
 *   it has a usable one);
 * - a request whose `params` is not an object: -32602 Invalid params, naming `params`.
 *
 * A `tools/call` keeps its `arguments` exactly as parsed from JSON (an own `__proto__` key
 * included) in the session's {@link RawArguments}; the SDK gets `{}` in their place, and the tool
 * handler validates the originals through the tool's own zod schema, the one path every bgtasks
 * adapter shares. So `arguments` that is not an object, or holds a key the tool does not know,
 * gets the same `isError` result naming the field as in process, not -32603.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';

/** JSON-RPC error codes this gate answers with. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const INVALID_PARAMS = -32602;

/** Raw `tools/call` arguments of requests in flight, by request id; bounded. */
export class RawArguments {
  static readonly MAX_PENDING = 1_000;
  readonly #byId = new Map<string, unknown>();

  put(id: string | number, value: unknown): void {
    const key = JSON.stringify(id);
    this.#byId.delete(key);
    this.#byId.set(key, value);
    // A request the SDK refused after the gate never reaches the handler: the oldest go.
    while (this.#byId.size > RawArguments.MAX_PENDING) this.#byId.delete(this.#byId.keys().next().value as string);
  }

  /** The raw arguments of request `id`, once (`{ found: false }` when the gate did not see it). */
  take(id: string | number): { found: true; value: unknown } | { found: false } {
    const key = JSON.stringify(id);
    if (!this.#byId.has(key)) return { found: false };
    const value = this.#byId.get(key);
    this.#byId.delete(key);
    return { found: true, value };
  }
}

const Id = z.union([z.string(), z.number().int()]);
const Envelope = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.unknown().optional(),
  method: z.string().optional(),
  params: z.unknown().optional(),
  result: z.unknown().optional(),
  error: z.unknown().optional(),
});

/** What the gate decided: pass the message on, or answer it (`reply` undefined: drop silently). */
export type Admission = { message: JSONRPCMessage } | { reply: JSONRPCMessage | undefined };

function errorReply(id: unknown, code: number, message: string): JSONRPCMessage {
  const usable = Id.safeParse(id);
  return { jsonrpc: '2.0', id: usable.success ? usable.data : null, error: { code, message } } as unknown as JSONRPCMessage;
}

/** The reply to a line or body that is not JSON. */
export function parseErrorReply(detail: string): JSONRPCMessage {
  return errorReply(null, PARSE_ERROR, `Parse error: ${detail}`);
}

/** The reply to a message too large to read. */
export function tooLargeReply(limitBytes: number): JSONRPCMessage {
  return errorReply(null, INVALID_REQUEST, `Invalid Request: message over ${limitBytes} bytes; it was dropped`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one parsed JSON value; `raw` keeps a `tools/call`'s arguments for the tool handler. */
export function admit(value: unknown, raw?: RawArguments): Admission {
  const envelope = Envelope.safeParse(value);
  if (!envelope.success) {
    const id = isPlainObject(value) ? value.id : undefined;
    return { reply: errorReply(id, INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message') };
  }
  const m = envelope.data;
  const isRequest = m.method !== undefined && m.id !== undefined;
  if (m.method === undefined && m.id === undefined) {
    return { reply: errorReply(null, INVALID_REQUEST, 'Invalid Request: neither a request, a notification nor a response') };
  }
  if (m.id !== undefined && !Id.safeParse(m.id).success) {
    return { reply: errorReply(null, INVALID_REQUEST, 'Invalid Request: "id" must be a string or an integer') };
  }
  if (m.method !== undefined && m.params !== undefined && !isPlainObject(m.params)) {
    const what = Array.isArray(m.params) ? 'an array' : m.params === null ? 'null' : `a ${typeof m.params}`;
    const text = `Invalid params: "params" must be an object, got ${what}`;
    // A notification gets no reply, whatever is wrong with it (JSON-RPC 2.0 §4.1).
    return { reply: isRequest ? errorReply(m.id, INVALID_PARAMS, text) : undefined };
  }
  if (isRequest && m.method === 'tools/call' && raw !== undefined && isPlainObject(m.params)) {
    const params = m.params;
    raw.put(m.id as string | number, params.arguments);
    return { message: { ...(value as object), params: { ...params, arguments: {} } } as unknown as JSONRPCMessage };
  }
  return { message: value as JSONRPCMessage };
}
