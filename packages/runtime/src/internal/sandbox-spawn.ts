/**
 * What Node, Bun and Deno spawn for a job: `sh -c command`, or (with `SpawnOptions.sandbox`)
 * bwrap around it, with the host ends of allowed ports and the in-namespace port probe.
 */
import { readdirSync, readFileSync } from 'node:fs';
import process from 'node:process';
import type { SpawnOptions } from '@bgtasks/core';
import { jobEnv } from './job-env.ts';
import type { SendSignal } from './proc-tree.ts';
import { launchCommand } from './sandbox-argv.ts';
import { which } from './sandbox-check.ts';
import { forwardPorts } from './sandbox-ports.ts';

/** A job ready to spawn. */
export interface PreparedSpawn {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Call with the child's exit: releases what the sandbox held on the host (allowed ports). */
  started(exited: Promise<unknown>): void;
  /** How the job's processes are signalled (see {@link graceKeeping}). */
  signals(pid: number, send: SendSignal): SendSignal;
}

/** Pids of the processes in group `pgid` but `except`, from /proc. */
function groupMembers(pgid: number, except: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === except) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Signals for a sandboxed job whose leader is bwrap `pid`: SIGKILL as asked, but a catchable
 * signal (SIGTERM on kill or timeout) skips bwrap itself, whose death would SIGKILL everything
 * inside at once (`--die-with-parent`): the job's processes get the signal and their grace, and
 * bwrap exits when they have.
 */
function graceKeeping(pid: number, send: SendSignal): SendSignal {
  return (target, signal) => {
    if (signal === 0 || signal === 'SIGKILL') return send(target, signal);
    if (target === pid) return;
    if (target !== -pid) return send(target, signal);
    for (const member of groupMembers(pid, pid)) {
      try {
        send(member, signal);
      } catch {
        // gone meanwhile
      }
    }
  };
}

/** Builds the program, arguments and environment for `command` (see {@link PreparedSpawn}). */
export function prepareSpawn(command: string, options: SpawnOptions, hostEnv: () => Record<string, string>): PreparedSpawn {
  const env = jobEnv(options, hostEnv);
  const sandbox = options.sandbox;
  if (!sandbox) {
    return { file: '/bin/sh', args: ['-c', command], env, started: () => {}, signals: (_, send) => send };
  }
  const forwards = sandbox.network === 'off' && sandbox.allowPorts.length > 0 ? forwardPorts(sandbox.allowPorts) : undefined;
  const bwrap = which('bwrap', hostEnv().PATH) ?? 'bwrap';
  const launch = launchCommand(command, options, options.cwd ?? process.cwd(), bwrap, forwards?.dir);
  return {
    ...launch,
    env: { ...env, TMPDIR: '/tmp' },
    signals: graceKeeping,
    started(exited) {
      void exited.finally(() => forwards?.close());
    },
  };
}
