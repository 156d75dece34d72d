/** `serve()` on Bun: `Bun.serve`. */
import type { FetchHandler, HttpServer, ServeOptions } from './serve.ts';
import { urlOf } from './serve.ts';

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
