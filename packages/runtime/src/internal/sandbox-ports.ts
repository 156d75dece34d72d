/**
 * The host end of each loopback port a sandboxed job with a network of its own may reach: a Unix
 * socket bound into the sandbox (where socat listens on 127.0.0.1:PORT), piped to the host's
 * 127.0.0.1:PORT. (Readiness by port needs nothing here: `Child.listensOn` reads each job
 * process's own `/proc/<pid>/net/tcp`, which is the job's network namespace.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Host-side forwarders of one job; `close()` when the job has ended. */
export interface PortForwards {
  /** The host directory to bind into the sandbox. */
  dir: string;
  close(): void;
}

/** A Unix socket per port in a fresh private directory, each piped to the host's 127.0.0.1:PORT. */
export function forwardPorts(ports: readonly number[]): PortForwards {
  const dir = mkdtempSync(join(tmpdir(), 'bgtasks-ports-'));
  const servers: Server[] = ports.map((port) => {
    const server = createServer((inside) => {
      const host = connect(port, '127.0.0.1');
      inside.pipe(host);
      host.pipe(inside);
      inside.on('error', () => host.destroy());
      host.on('error', () => inside.destroy());
    });
    server.on('error', () => {});
    server.listen(join(dir, `${port}.sock`));
    return server;
  });
  return {
    dir,
    close() {
      for (const server of servers) server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
