/**
 * The one place a sandboxed job's command line is built: `bwrap` (bubblewrap) around `sh -c`.
 * Node, Bun and Deno spawn what {@link launchCommand} returns. Why bubblewrap directly and not
 * `@anthropic-ai/sandbox-runtime`: docs/sandbox.md.
 *
 * The job sees the host's file system read-only, its cwd and `allowWrite` read-write, a private
 * /tmp (tmpfs, gone when it ends), `denyRead` paths unreadable (an empty 0000 directory or
 * /dev/null mounted over each), no capabilities, and its own user, PID, IPC and (network `off`)
 * network namespaces. `--die-with-parent` plus the PID namespace mean that when the job's shell
 * ends, or bwrap is killed, the kernel kills every process left inside, `setsid` or not.
 */
import { realpathSync, statSync } from 'node:fs';
import type { SpawnOptions, SpawnSandbox } from '@bgtasks/core';

/** Where the host's loopback-port sockets appear inside the sandbox. */
export const PORTS_DIR_INSIDE = '/tmp/.bgtasks-ports';

/** What to spawn: a program, its arguments, extra environment. */
export interface Launch {
  file: string;
  args: string[];
}

/** Hex of `port` as /proc/net/tcp writes it. */
function hexPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * The job's supervisor inside the sandbox (PID 2, after bwrap's init), run as `sh -c` with the
 * job's command as `$1`. It runs the command, exits with its status when it ends (the kernel then
 * kills whatever the job left inside: the PID namespace dies with its init), and on SIGTERM,
 * SIGINT or SIGHUP waits for every other process inside to exit, so that a TERM handler in the
 * job gets the executor's kill grace (the executor SIGKILLs all after it) instead of dying with
 * the namespace the moment the job's shell does. Stdin is passed on through fd 3: `&` alone
 * would give the command /dev/null.
 */
const SUPERVISOR = [
  // Trapped before the job starts (a signal that came first would end the namespace); a caught
  // signal is reset to its default in the job's own shell by exec.
  "trap 'signalled=1' TERM INT HUP",
  'exec 3<&0',
  '/bin/sh -c "$1" 0<&3 3<&- &',
  'job=$!',
  'exec 3<&-',
  'while :; do wait "$job"; status=$?; kill -0 "$job" 2>/dev/null || break; done',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  'others() { for p in /proc/[0-9]*; do p=${p#/proc/}; [ "$p" = 1 ] || [ "$p" = $$ ] || return 0; done; return 1; }',
  'if [ -n "$signalled" ]; then while others; do sleep 0.05; done; fi',
  'exit "$status"',
].join('\n');

/**
 * The shell text run inside the sandbox: for each allowed port a `socat` listening on
 * 127.0.0.1:PORT inside (forwarding to the host through a bound Unix socket), a wait until they
 * listen, then the {@link SUPERVISOR} of the job's command.
 */
function innerScript(ports: readonly number[]): string {
  if (ports.length === 0) return SUPERVISOR;
  const lines = ports.map(
    (p) => `socat TCP-LISTEN:${p},bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:${PORTS_DIR_INSIDE}/${p}.sock 2>/dev/null &`,
  );
  const listening = ports.map((p) => `grep -q ':${hexPort(p)} 00000000:0000 0A' /proc/net/tcp`).join(' && ');
  lines.push(`i=0; until { ${listening}; } || [ $i -ge 500 ]; do i=$((i+1)); sleep 0.01; done`);
  lines.push(SUPERVISOR);
  return lines.join('\n');
}

/**
 * The paths of `paths` that exist, symlinks resolved (bubblewrap mounts where a path really is),
 * once each. What does not exist when the job starts is not covered.
 */
function existing(paths: readonly string[]): string[] {
  const real = new Set<string>();
  for (const path of paths) {
    try {
      real.add(realpathSync(path));
    } catch {
      // missing
    }
  }
  return [...real];
}

/**
 * The bwrap argument list for `command` under `sandbox`; `portsDir` is the host directory holding
 * one Unix socket per allowed port (see sandbox-ports.ts).
 */
export function bwrapArgs(command: string, sandbox: SpawnSandbox, cwd: string, portsDir?: string): string[] {
  const args = ['--die-with-parent', '--unshare-user', '--unshare-pid', '--unshare-ipc', '--cap-drop', 'ALL'];
  if (sandbox.network === 'off') args.push('--unshare-net');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp');
  for (const path of existing(sandbox.allowWrite)) args.push('--bind', path, path);
  if (portsDir !== undefined) args.push('--bind', portsDir, PORTS_DIR_INSIDE);
  // Denies come after the binds, so a credential inside a writable tree stays unreadable.
  for (const path of existing(sandbox.denyRead)) {
    if (statSync(path).isDirectory()) args.push('--perms', '0000', '--tmpfs', path, '--remount-ro', path);
    else args.push('--ro-bind', '/dev/null', path);
  }
  args.push('--setenv', 'TMPDIR', '/tmp', '--chdir', cwd, '--', '/bin/sh', '-c', innerScript(sandbox.allowPorts));
  args.push('bgtasks-sandbox', command);
  return args;
}

/** `sh -c command`, or bwrap around it when `options.sandbox` is set (`bwrap` is its path). */
export function launchCommand(command: string, options: SpawnOptions, cwd: string, bwrap: string, portsDir?: string): Launch {
  if (!options.sandbox) return { file: '/bin/sh', args: ['-c', command] };
  return { file: bwrap, args: bwrapArgs(command, options.sandbox, cwd, portsDir) };
}
