/**
 * What Node, Bun and Deno spawn for a job: `sh -c command`, or (with `SpawnOptions.sandbox`)
 * bwrap around it, with the host ends of allowed ports and the in-namespace port probe.
 */
import process from 'node:process';
import type { Child, SpawnOptions } from '@bgtasks/core';
import { jobEnv } from './job-env.ts';
import { launchCommand } from './sandbox-argv.ts';
import { which } from './sandbox-check.ts';
import { forwardPorts, probeInside } from './sandbox-ports.ts';

/** A job ready to spawn. */
export interface PreparedSpawn {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Call with the child's exit: releases what the sandbox held on the host. */
  started(pid: number, exited: Promise<unknown>): Pick<Child, 'probePort'>;
}

/** Builds the program, arguments and environment for `command` (see {@link PreparedSpawn}). */
export function prepareSpawn(command: string, options: SpawnOptions, hostEnv: () => Record<string, string>): PreparedSpawn {
  const env = jobEnv(options, hostEnv);
  const sandbox = options.sandbox;
  if (!sandbox) {
    return { file: '/bin/sh', args: ['-c', command], env, started: () => ({}) };
  }
  const forwards = sandbox.network === 'off' && sandbox.allowPorts.length > 0 ? forwardPorts(sandbox.allowPorts) : undefined;
  const bwrap = which('bwrap', hostEnv().PATH) ?? 'bwrap';
  const launch = launchCommand(command, options, options.cwd ?? process.cwd(), bwrap, forwards?.dir);
  return {
    ...launch,
    env: { ...env, TMPDIR: '/tmp' },
    started(pid, exited) {
      void exited.finally(() => forwards?.close());
      if (sandbox.network !== 'off' || pid <= 0) return {};
      return { probePort: async (port: number) => probeInside(pid, port) };
    },
  };
}
