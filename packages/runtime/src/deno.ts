/**
 * The Deno runtime: `Deno.Command` with `detached: true` (setsid, so the job leads its own
 * process group), `Deno.kill(-pgid)` for the group, `Deno.addSignalListener` for shutdown.
 */
import { realpathSync } from 'node:fs';
import type { Child, ExitStatus, Runtime, SpawnOptions } from '@bgtasks/core';
import { hostFiles, probePort, stdinFromWritable } from './internal/host-io.ts';
import { jobProcesses } from './internal/proc-tree.ts';
import { childFromWebStreams, failedChild } from './internal/readable.ts';
import { sandboxProblem } from './internal/sandbox-check.ts';
import { prepareSpawn } from './internal/sandbox-spawn.ts';
import { ShutdownHooks, type ShutdownHost } from './internal/shutdown.ts';
import { realSleep } from './internal/sleep.ts';

/** The part of Deno's API this file uses. */
interface DenoChildProcess {
  pid: number;
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  status: Promise<{ code: number; signal: string | null }>;
  stdin: WritableStream<Uint8Array>;
  /** Lets the host exit while the process runs. */
  unref(): void;
}
interface DenoApi {
  Command: new (
    cmd: string,
    options: {
      args: string[];
      cwd?: string;
      env?: Record<string, string>;
      clearEnv?: boolean;
      stdin: 'null' | 'piped';
      stdout: 'piped' | 'null';
      stderr: 'piped';
      detached?: boolean;
    },
  ) => { spawn(): DenoChildProcess; outputSync(): { code: number; stderr: Uint8Array } };
  kill(pid: number, signal: string): void;
  env: { toObject(): Record<string, string> };
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
  exit(code: number): never;
}

function deno(): DenoApi {
  const api = (globalThis as { Deno?: DenoApi }).Deno;
  if (!api) throw new Error('the Deno runtime was selected but this process is not running on Deno; use createNodeRuntime()');
  return api;
}

/** `kill(2)` through Deno; throws when there is no such process. */
function sendSignal(pid: number, signal: string | 0): void {
  // Deno.kill takes no signal 0: probe with SIGCONT, which a live job ignores by default.
  deno().kill(pid, signal === 0 ? 'SIGCONT' : signal);
}

function spawnWithDeno(command: string, options: SpawnOptions = {}): Child {
  let proc: DenoChildProcess;
  const prepared = prepareSpawn(command, options, () => deno().env.toObject());
  try {
    proc = new (deno().Command)(prepared.file, {
      args: prepared.args,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      env: prepared.env,
      clearEnv: true,
      stdin: options.stdin === 'pipe' ? 'piped' : 'null',
      stdout: 'piped',
      stderr: 'piped',
      detached: true,
    }).spawn();
  } catch (error) {
    return failedChild(error);
  }
  const exited: Promise<ExitStatus> = proc.status.then((s) => ({
    code: s.signal ? null : s.code,
    signal: s.signal,
  }));
  const processes = jobProcesses(proc.pid, options.marker, exited, prepared.signals(proc.pid, sendSignal));
  prepared.started(exited);
  return childFromWebStreams(proc.pid, proc, exited, {
    ...(options.stdin === 'pipe' ? { stdin: stdinFromWritable(proc.stdin) } : {}),
    kill: processes.kill,
    alive: processes.alive,
    detach: () => proc.unref(),
    ...(processes.listensOn ? { listensOn: processes.listensOn } : {}),
  });
}

function denoShutdownHost(): ShutdownHost {
  let onInt: (() => void) | undefined;
  let onTerm: (() => void) | undefined;
  let onHup: (() => void) | undefined;
  let onUnload: (() => void) | undefined;
  return {
    install(onSignal, onExit) {
      onInt = () => onSignal('SIGINT');
      onTerm = () => onSignal('SIGTERM');
      onHup = () => onSignal('SIGHUP');
      onUnload = onExit;
      deno().addSignalListener('SIGINT', onInt);
      deno().addSignalListener('SIGTERM', onTerm);
      deno().addSignalListener('SIGHUP', onHup);
      // Deno fires no unload for an uncaught error or rejection, so listen for those too
      // (without preventDefault: the host still dies, but after its groups are killed).
      globalThis.addEventListener('unload', onUnload);
      globalThis.addEventListener('error', onUnload);
      globalThis.addEventListener('unhandledrejection', onUnload);
    },
    uninstall() {
      if (onInt) deno().removeSignalListener('SIGINT', onInt);
      if (onTerm) deno().removeSignalListener('SIGTERM', onTerm);
      if (onHup) deno().removeSignalListener('SIGHUP', onHup);
      if (onUnload) {
        globalThis.removeEventListener('unload', onUnload);
        globalThis.removeEventListener('error', onUnload);
        globalThis.removeEventListener('unhandledrejection', onUnload);
      }
    },
    exit(code) {
      deno().exit(code);
    },
  };
}

/** The runtime for Deno. */
export function createDenoRuntime(): Runtime {
  const hooks = new ShutdownHooks(denoShutdownHost());
  return {
    name: 'deno',
    spawn: spawnWithDeno,
    now: () => performance.now(),
    sleep: realSleep,
    env: () => deno().env.toObject(),
    onShutdown: (fn) => hooks.add(fn),
    realPath: (path) => realpathSync(path),
    probePort,
    files: hostFiles,
    sandboxProblem: (sandbox) =>
      sandboxProblem(sandbox, deno().env.toObject().PATH, (file, args) => {
        const r = new (deno().Command)(file, { args, stdin: 'null', stdout: 'null', stderr: 'piped' }).outputSync();
        return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
      }),
  };
}
