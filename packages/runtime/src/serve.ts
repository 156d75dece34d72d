/**
 * A loopback HTTP server around a web-standard handler `(Request) => Promise<Response>`, on each
 * runtime's own API: `Bun.serve`, `Deno.serve`, and `node:http` with a small Request/Response
 * adapter. Request bodies and responses stream (Server-Sent Events flush chunk by chunk), so the
 * handler decides how much of a body it reads; a client that goes away aborts `request.signal`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

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

function urlOf(hostname: string, port: number): string {
  return `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
}

/** A request body as a web stream, and a way to drop what the handler did not read. */
interface StreamedBody {
  stream: ReadableStream<Uint8Array>;
  /** Reads the rest and throws it away (bounded memory), so the connection can be reused. */
  drop(): void;
}

/**
 * The request body as a web stream, read as the handler pulls (never buffered whole here), so
 * a handler can refuse a huge body after reading only as much as it allows. What the handler
 * leaves unread (it cancelled, or never looked) is dropped once the response is sent.
 */
function bodyOf(req: IncomingMessage): StreamedBody {
  let dropped = false;
  const drop = (): void => {
    dropped = true;
    req.resume();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        req.on('data', (chunk: Buffer) => {
          if (dropped) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => {
          if (!dropped) controller.close();
        });
        req.once('error', (error) => {
          if (!dropped) controller.error(error);
        });
      },
      pull() {
        if (!dropped) req.resume();
      },
      cancel: drop,
    },
    { highWaterMark: 4 },
  );
  return { stream, drop };
}

function toRequest(req: IncomingMessage, base: string, signal: AbortSignal, body: StreamedBody | undefined): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  // `duplex: 'half'` is what Node's fetch requires of a streamed request body.
  const init = { method: req.method ?? 'GET', headers, signal, ...(body ? { body: body.stream, duplex: 'half' } : {}) };
  return new Request(new URL(req.url ?? '/', base), init as RequestInit);
}

async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  res.once('close', () => {
    reader.cancel().catch(() => {});
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    res.write(value);
  }
  res.end();
}

/** `node:http` (also what Bun and Deno would use through their Node compatibility). */
export function serveWithNode(handler: FetchHandler, options: ServeOptions): Promise<HttpServer> {
  const server = createServer((req, res) => {
    const aborter = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    const base = urlOf(options.hostname, (server.address() as { port: number }).port);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : bodyOf(req);
    res.once('finish', () => body?.drop());
    Promise.resolve()
      .then(() => handler(toRequest(req, base, aborter.signal, body)))
      .then((response) => sendResponse(res, response))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        url: urlOf(options.hostname, port),
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

interface BunServer {
  port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}
interface BunServeApi {
  serve(options: { port: number; hostname: string; idleTimeout: number; fetch: FetchHandler }): BunServer;
}

/** `Bun.serve`. */
export async function serveWithBun(handler: FetchHandler, options: ServeOptions): Promise<HttpServer> {
  const api = (globalThis as { Bun?: BunServeApi }).Bun;
  if (!api) throw new Error('serveWithBun needs Bun; on Node use serveWithNode');
  // idleTimeout 0 turns off Bun's 10 s default: a paced response may be silent for longer.
  const server = api.serve({ port: options.port, hostname: options.hostname, idleTimeout: 0, fetch: handler });
  return {
    url: urlOf(options.hostname, server.port),
    port: server.port,
    close: async () => {
      await server.stop(true);
    },
  };
}

interface DenoHttpServer {
  addr: { port: number };
  finished: Promise<void>;
  shutdown(): Promise<void>;
}
interface DenoServeApi {
  serve(
    options: { port: number; hostname: string; signal: AbortSignal; onListen: () => void },
    handler: FetchHandler,
  ): DenoHttpServer;
}

/** `Deno.serve`. */
export async function serveWithDeno(handler: FetchHandler, options: ServeOptions): Promise<HttpServer> {
  const api = (globalThis as { Deno?: DenoServeApi }).Deno;
  if (!api) throw new Error('serveWithDeno needs Deno; on Node use serveWithNode');
  const stop = new AbortController();
  const server = api.serve({ port: options.port, hostname: options.hostname, signal: stop.signal, onListen: () => {} }, handler);
  return {
    url: urlOf(options.hostname, server.addr.port),
    port: server.addr.port,
    close: async () => {
      stop.abort();
      await server.finished;
    },
  };
}
