/**
 * Who listens on a TCP port, on Linux: `/proc/<pid>/net/tcp` and `tcp6` list the sockets in
 * LISTEN state with their inode, and `/proc/<pid>/fd/*` link to `socket:[inode]` for each socket
 * a process holds. A job owns a listener when one of its processes holds that inode. A connect
 * probe alone cannot tell: a dev server that found its port taken and exited leaves the port
 * accepting, for another process.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

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
 * True when `table` (the text of `/proc/<pid>/net/tcp` or `tcp6`) lists one of `inodes` listening
 * on `port`. Each line: `sl local_address rem_address st ... uid timeout inode ...`, the address
 * as hex `IP:PORT`.
 */
function listensIn(table: string, port: number, inodes: ReadonlySet<string>): boolean {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (fields[3] === TCP_LISTEN && local?.endsWith(hexPort) && inodes.has(fields[9] ?? '')) return true;
  }
  return false;
}

/** The network namespace `pid` lives in (`net:[inode]`), or `pid` itself when it cannot be read. */
function netNamespace(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return `pid:${pid}`;
  }
}

/**
 * True when one of `pids` holds a socket listening on TCP `port` (IPv4 or IPv6, any local
 * address). The descriptors are read first (a job that holds no socket costs no more); the
 * listening tables, which the kernel builds on each read (tens of ms on a loaded host), are read
 * asynchronously, so the event loop never waits for them, once per network namespace among the
 * processes that hold a socket: usually one, two for a sandboxed job (bwrap on the host's, the
 * job in its own).
 */
export async function pidsListenOn(pids: readonly number[], port: number): Promise<boolean> {
  const inodes = new Set<string>();
  const readers = new Map<string, number>();
  for (const pid of pids) {
    const held = socketInodes(pid);
    if (held.size === 0) continue;
    const ns = netNamespace(pid);
    if (!readers.has(ns)) readers.set(ns, pid);
    for (const inode of held) inodes.add(inode);
  }
  for (const reader of readers.values()) {
    for (const table of ['tcp', 'tcp6']) {
      try {
        if (listensIn(await readFile(`/proc/${reader}/net/${table}`, 'latin1'), port, inodes)) return true;
      } catch {
        // no IPv6, or the process is gone
      }
    }
  }
  return false;
}
