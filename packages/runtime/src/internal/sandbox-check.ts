/**
 * Whether this host can run the job sandbox: Linux, `bwrap` on PATH and able to make user, PID
 * and network namespaces, `socat` when loopback ports are forwarded. Each answer names what is
 * missing and how to install it; the probe runs once per bwrap path.
 */
import { accessSync, constants } from 'node:fs';
import { platform } from 'node:os';
import type { SpawnSandbox } from '@bgtasks/core';

const INSTALL_BWRAP =
  'install bubblewrap: apt-get install bubblewrap (Debian, Ubuntu), dnf install bubblewrap (Fedora), pacman -S bubblewrap (Arch)';

/** The first executable `name` on `path` (a PATH value), or undefined. */
export function which(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(':')) {
    if (dir === '') continue;
    const file = `${dir}/${name}`;
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Runs a program to its end and reports how it ended: each runtime's own synchronous spawn (the
 * Bun and Deno entries load no `node:child_process`).
 */
export type RunSync = (file: string, args: string[]) => { code: number | null; stderr: string };

const probed = new Map<string, string | undefined>();

/** Runs bwrap once with every namespace the sandbox uses; the problem, or undefined. */
function probe(bwrap: string, run: RunSync): string | undefined {
  if (probed.has(bwrap)) return probed.get(bwrap);
  const args = ['--die-with-parent', '--unshare-user', '--unshare-pid', '--unshare-net', '--cap-drop', 'ALL'];
  let said: string;
  let code: number | null;
  try {
    const r = run(bwrap, [...args, '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '/bin/true']);
    code = r.code;
    said = r.stderr.trim().split('\n')[0] ?? '';
  } catch (error) {
    code = null;
    said = error instanceof Error ? error.message : String(error);
  }
  const problem =
    code === 0
      ? undefined
      : `${bwrap} cannot create the namespaces it needs (${said || `exit ${code}`}); enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04+ kernel.apparmor_restrict_unprivileged_userns=0)`;
  probed.set(bwrap, problem);
  return problem;
}

/** What the host lacks to enforce `sandbox` (with how to get it), or undefined when nothing. */
export function sandboxProblem(
  sandbox: SpawnSandbox,
  path: string | undefined,
  run: RunSync,
  os: string = platform(),
): string | undefined {
  if (os !== 'linux') {
    return `sandboxing needs Linux with bubblewrap; ${os === 'darwin' ? 'macOS sandbox-exec is not supported yet' : `${os} is not supported`}`;
  }
  const bwrap = which('bwrap', path);
  if (bwrap === undefined) return `bubblewrap (bwrap) is not on PATH; ${INSTALL_BWRAP}`;
  const problem = probe(bwrap, run);
  if (problem !== undefined) return problem;
  if (sandbox.network === 'off' && sandbox.allowPorts.length > 0 && which('socat', path) === undefined) {
    return 'sandbox.allowPorts needs socat on PATH; install it: apt-get install socat';
  }
  return undefined;
}
