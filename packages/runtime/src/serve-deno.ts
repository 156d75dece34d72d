/** `serve()` on Deno: `Deno.serve`. */
import type { FetchHandler, HttpServer, ServeOptions } from './serve.ts';
import { urlOf } from './serve.ts';

interface DenoHttpServer {
  addr: { port: number };
  finished: Promise<void>;
  shutdown(): Promise<void>;
}
interface DenoServeInfo {
  /** Settles once the response was delivered; rejects if delivery failed (the client went away). */
  completed?: Promise<void>;
}
interface DenoServeApi {
  serve(
    options: { port: number; hostname: string; signal: AbortSignal; onListen: () => void },
    handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): DenoHttpServer;
}

/**
 * The request a handler sees, with a signal that aborts when the client goes away. Deno's own
 * `request.signal` also aborts after every successful response (its legacy behaviour), and Deno
 * 2.9 prints a deprecation warning once a handler has read it and a response then succeeds. So the
 * copy's signal follows `info.completed` (rejected when delivery fails), and only a long-lived
 * event stream (a GET that accepts text/event-stream, where the client's leaving must be seen
 * while nothing is being written) follows Deno's signal itself.
 */
function withOwnSignal(request: Request, info: DenoServeInfo): Request {
  const gone = new AbortController();
  const leave = () => gone.abort(new DOMException('the client went away', 'AbortError'));
  info.completed?.catch(leave);
  if (request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/event-stream')) {
    if (request.signal.aborted) leave();
    else request.signal.addEventListener('abort', leave, { once: true });
  }
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers: request.headers, signal: gone.signal };
  if (request.body !== null) {
    init.body = request.body;
    init.duplex = 'half';
  }
  return new Request(request.url, init);
}

/** `Deno.serve`. */
export async function serveWithDeno(handler: FetchHandler, options: ServeOptions): Promise<HttpServer> {
  const api = (globalThis as { Deno?: DenoServeApi }).Deno;
  if (!api) throw new Error('serveWithDeno needs Deno; on Node use serveWithNode');
  const stop = new AbortController();
  const server = api.serve(
    { port: options.port, hostname: options.hostname, signal: stop.signal, onListen: () => {} },
    (request, info) => handler(withOwnSignal(request, info)),
  );
  return {
    url: urlOf(options.hostname, server.addr.port),
    port: server.addr.port,
    close: async () => {
      stop.abort();
      await server.finished;
    },
  };
}
