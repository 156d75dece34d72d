/** `serve()` on Deno: `Deno.serve`. */
import type { FetchHandler, HttpServer, ServeOptions } from './serve.ts';
import { urlOf } from './serve.ts';

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
