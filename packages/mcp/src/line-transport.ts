/**
 * The stdio transport of `bgtasks-mcp`: newline-delimited JSON-RPC over any byte stream, with
 * every message through the {@link admit} gate.
 *
 * Why not the SDK's `StdioServerTransport`: it drops a line that is not a valid message without a
 * reply (a request whose `params` is a string waits forever), and a line over its 10 MiB buffer
 * closes the transport, which ends the server with exit 0 and kills every job. Here a bad line
 * gets the spec's error, and an oversized one is skipped up to its newline and answered with an
 * error, while the server lives on.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { admit, parseErrorReply, type RawArguments, tooLargeReply } from './json-rpc-gate.ts';
import { isStatelessRequest, type StatelessServer } from './stateless-server.ts';

/** Longest line read, like the SDK's stdio buffer: 10 MiB. */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;

/** Options of {@link LineTransport}. */
export interface LineTransportOptions {
  /** Bytes from the client (e.g. stdin). */
  input: AsyncIterable<Uint8Array>;
  /** Writes text to the client (e.g. stdout); resolves once written. */
  write(text: string): Promise<void>;
  /** Where `tools/call` arguments are kept for the tool handler (the session's). */
  raw?: RawArguments;
  /** Default {@link MAX_LINE_BYTES}. */
  maxLineBytes?: number;
  /**
   * Serves revision 2026-07-28 beside the session's 2025-11-25: a request whose `_meta` names its
   * protocol version goes here (the owner of its tasks is this connection).
   */
  stateless?: StatelessServer;
}

/**
 * A `Transport` for the SDK's `Server` over a line-delimited byte stream.
 * @example
 * await session.server.connect(new LineTransport({ input: stdin, write, raw: session.rawArguments }));
 */
export class LineTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;

  readonly #options: LineTransportOptions;
  readonly #max: number;
  #chunks: Uint8Array[] = [];
  #pending = 0;
  /** The current line passed the limit: its bytes are dropped up to its newline. */
  #skipping = false;
  #closed = false;
  #writes: Promise<void> = Promise.resolve();
  readonly #decoder = new TextDecoder();

  constructor(options: LineTransportOptions) {
    this.#options = options;
    this.#max = options.maxLineBytes ?? MAX_LINE_BYTES;
  }

  async start(): Promise<void> {
    void this.#read();
  }

  async #read(): Promise<void> {
    try {
      for await (const chunk of this.#options.input) {
        if (this.#closed) return;
        this.#take(chunk);
      }
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
    await this.close();
  }

  #take(chunk: Uint8Array): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.#append(chunk.subarray(start, nl));
      this.#line();
      start = nl + 1;
    }
    this.#append(chunk.subarray(start));
  }

  #append(bytes: Uint8Array): void {
    if (this.#skipping || bytes.length === 0) return;
    if (this.#pending + bytes.length > this.#max) {
      this.#skipping = true;
      this.#chunks = [];
      this.#pending = 0;
      return;
    }
    this.#chunks.push(bytes.slice());
    this.#pending += bytes.length;
  }

  /** A newline arrived: handles the line before it. */
  #line(): void {
    if (this.#skipping) {
      this.#skipping = false;
      this.#reply(tooLargeReply(this.#max));
      return;
    }
    const bytes = new Uint8Array(this.#pending);
    let at = 0;
    for (const c of this.#chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    this.#chunks = [];
    this.#pending = 0;
    const text = this.#decoder.decode(bytes).replace(/\r$/, '');
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.#reply(parseErrorReply(error instanceof Error ? error.message.slice(0, 200) : 'not JSON'));
      return;
    }
    const stateless = this.#options.stateless;
    if (stateless && isStatelessRequest(value)) {
      this.#stateless(stateless, value as { id?: unknown; method: string; params?: Record<string, unknown> });
      return;
    }
    const admission = admit(value, this.#options.raw);
    if ('message' in admission) this.onmessage?.(admission.message);
    else if (admission.reply) this.#reply(admission.reply);
  }

  #listening: Array<() => void> = [];
  readonly #owner = `stdio ${crypto.randomUUID()}`;

  #stateless(server: StatelessServer, message: { id?: unknown; method: string; params?: Record<string, unknown> }): void {
    const checked = admit(message);
    if (!('message' in checked)) {
      if (checked.reply) this.#reply(checked.reply);
      return;
    }
    if (message.id === undefined) return;
    const asked = { message, owner: this.#owner, signal: new AbortController().signal };
    if (message.method === 'subscriptions/listen') {
      const listening = server.listen(asked, (event) => this.#reply(event as unknown as JSONRPCMessage));
      if (typeof listening === 'function') this.#listening.push(listening);
      else this.#reply(listening.body as unknown as JSONRPCMessage);
      return;
    }
    server.handle(asked).then(
      (reply) => this.#reply(reply.body as unknown as JSONRPCMessage),
      (error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))),
    );
  }

  #reply(message: JSONRPCMessage): void {
    this.send(message).catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))));
  }

  send(message: JSONRPCMessage): Promise<void> {
    // Writes go out one after another, whole lines, in the order they were sent.
    const text = `${JSON.stringify(message)}\n`;
    const written = this.#writes.then(() => this.#options.write(text));
    this.#writes = written.catch(() => {});
    return written;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#chunks = [];
    for (const stop of this.#listening.splice(0)) stop();
    this.onclose?.();
  }
}
