/**
 * The network side of a sandboxed job with a network of its own: the host end of each allowed
 * loopback port (a Unix socket bound into the sandbox, piped to 127.0.0.1:PORT on the host), and
 * readiness by port looked up inside the job's namespace (`/proc/<pid>/net/tcp{,6}` of a process
 * in it), since the host's loopback cannot see the job's listeners.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** The first child of `pid` (bwrap's process inside the namespaces), or undefined. */
function insidePid(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** True when a socket in `text` (a /proc/net/tcp table) listens on `port`. */
export function listensOn(text: string, port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] === '0A' && fields[1]?.endsWith(`:${hex}`)) return true;
  }
  return false;
}

/** True when something in the network namespace of bwrap `pid`'s child listens on `port`. */
export function probeInside(pid: number, port: number): boolean {
  const inside = insidePid(pid);
  if (inside === undefined) return false;
  for (const table of ['tcp', 'tcp6']) {
    try {
      if (listensOn(readFileSync(`/proc/${inside}/net/${table}`, 'utf8'), port)) return true;
    } catch {
      // gone, or no IPv6
    }
  }
  return false;
}
