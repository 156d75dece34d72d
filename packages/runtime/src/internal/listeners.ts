/**
 * Who listens on a TCP port, on Linux: `/proc/<pid>/net/tcp` and `tcp6` list the sockets in
 * LISTEN state with their inode, and `/proc/<pid>/fd/*` link to `socket:[inode]` for each socket
 * a process holds. A job owns a listener when one of its processes holds that inode. A connect
 * probe alone cannot tell: a dev server that found its port taken and exited leaves the port
 * accepting, for another process.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The `st` column of `/proc/net/tcp` for a listening socket. */
const TCP_LISTEN = '0A';

/** Inodes of the sockets `pid` holds (its open descriptors that are sockets). */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // gone, or not ours to read
  }
  for (const fd of fds) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (link.startsWith('socket:[')) inodes.add(link.slice(8, -1));
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/**
 * Inodes of the sockets listening on `port` in the network namespace of `pid` (IPv4 and IPv6,
 * any local address). Each line: `sl local_address rem_address st ... uid timeout inode ...`,
 * the address as hex `IP:PORT`.
 */
function listeningInodes(pid: number, port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'latin1');
    } catch {
      continue; // no IPv6, or the process is gone
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (fields[3] !== TCP_LISTEN || local === undefined || local.slice(local.lastIndexOf(':') + 1) !== hexPort) continue;
      const inode = fields[9];
      if (inode !== undefined && inode !== '0') inodes.add(inode);
    }
  }
  return inodes;
}

/**
 * True when one of `pids` holds a socket listening on TCP `port`; each process's sockets are
 * looked up in the listening table of its own network namespace.
 */
export function pidsListenOn(pids: readonly number[], port: number): boolean {
  for (const pid of pids) {
    const held = socketInodes(pid);
    if (held.size === 0) continue;
    const listening = listeningInodes(pid, port);
    if (listening.size === 0) continue;
    for (const inode of held) if (listening.has(inode)) return true;
  }
  return false;
}
