/** What the three real runtimes share once their spawn, environment and shutdown host are chosen. */
import { realpathSync } from 'node:fs';
import type { Runtime, RuntimeName, SpawnOptions } from '@bgtasks/core';
import { hostFiles, probePort } from './host-io.ts';
import { ShutdownHooks, type ShutdownHost } from './shutdown.ts';
import { realSleep } from './sleep.ts';

/** What differs between the Node, Bun and Deno runtimes. */
export interface HostRuntimeParts {
  name: RuntimeName;
  spawn: (command: string, options?: SpawnOptions) => ReturnType<Runtime['spawn']>;
  env: () => Record<string, string>;
  shutdownHost: ShutdownHost;
  /** Why a sandboxed job cannot run on this host, if it cannot (see {@link Runtime.sandboxProblem}). */
  sandboxProblem?: Runtime['sandboxProblem'];
}

/** A real runtime: the host's clock, timers, files, ports and shutdown hooks around `parts`. */
export function hostRuntime(parts: HostRuntimeParts): Runtime {
  const hooks = new ShutdownHooks(parts.shutdownHost);
  return {
    name: parts.name,
    spawn: parts.spawn,
    now: () => performance.now(),
    sleep: realSleep,
    env: parts.env,
    onShutdown: (fn) => hooks.add(fn),
    realPath: (path) => realpathSync(path),
    probePort,
    files: hostFiles,
    ...(parts.sandboxProblem ? { sandboxProblem: parts.sandboxProblem } : {}),
  };
}
