/** `serve()` on Node: `node:http` with a small streaming Request/Response adapter. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { FetchHandler, HttpServer, ServeOptions } from './serve.ts';
import { urlOf } from './serve.ts';

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
