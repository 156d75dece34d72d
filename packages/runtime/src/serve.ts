/**
 * The types of a loopback HTTP server around a web-standard handler `(Request) =>
 * Promise<Response>`, on each runtime's own API: `Bun.serve`, `Deno.serve`, and `node:http` with a small Request/Response
 * adapter. Request bodies and responses stream (Server-Sent Events flush chunk by chunk), so the
 * handler decides how much of a body it reads; a client that goes away aborts `request.signal`.
 *
 * Each runtime's implementation is its own file (serve-node.ts, serve-bun.ts, serve-deno.ts), so
 * an entry loads only its own runtime's server.
 */

/** A web-standard request handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Where to listen. */
export interface ServeOptions {
  /** 0 picks a free port. */
  port: number;
  hostname: string;
}

/** A listening server. */
export interface HttpServer {
  /** `http://hostname:port` */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** `http://hostname:port`, with brackets around an IPv6 host. */
export function urlOf(hostname: string, port: number): string {
  return `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
}
