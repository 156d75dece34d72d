/**
 * The Bun runtime: `Bun.spawn` with `detached: true` (setsid, so the job leads its own process
 * group); signals and exit hooks through `node:process`, which Bun implements.
 */
import { realpathSync } from 'node:fs';
import type { Child, ExitStatus, Runtime, SpawnOptions } from '@bgtasks/core';
import { hostFiles, probePort } from './internal/host-io.ts';
import { jobProcesses } from './internal/proc-tree.ts';
import { processEnv, processShutdownHost, sendSignal } from './internal/process-host.ts';
import { childFromWebStreams, failedChild } from './internal/readable.ts';
import { sandboxProblem } from './internal/sandbox-check.ts';
import { prepareSpawn } from './internal/sandbox-spawn.ts';
import { ShutdownHooks } from './internal/shutdown.ts';
import { realSleep } from './internal/sleep.ts';

/** The part of Bun's API this file uses. */
interface BunSubprocess {
  pid: number;
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  exited: Promise<number>;
  exitCode: number | null;
  signalCode: string | null;
  /** Lets the host exit while the process runs. */
  unref(): void;
  /** Bun's FileSink, when spawned with `stdin: 'pipe'`. */
  stdin?: { write(bytes: Uint8Array): number | Promise<number>; flush(): unknown; end(): unknown } | null;
}
interface BunApi {
  spawnSync(cmd: string[], options: { stdout: 'ignore'; stderr: 'pipe' }): { exitCode: number | null; stderr: Uint8Array };
  spawn(
    cmd: string[],
    options: {
      cwd?: string;
      env?: Record<string, string>;
      stdin: 'ignore' | 'pipe';
      stdout: 'pipe';
      stderr: 'pipe';
      detached: boolean;
    },
  ): BunSubprocess;
}

function bun(): BunApi {
  const api = (globalThis as { Bun?: BunApi }).Bun;
  if (!api) throw new Error('the Bun runtime was selected but this process is not running on Bun; use createNodeRuntime()');
  return api;
}

function spawnWithBun(command: string, options: SpawnOptions = {}): Child {
  let proc: BunSubprocess;
  const prepared = prepareSpawn(command, options, processEnv);
  try {
    proc = bun().spawn([prepared.file, ...prepared.args], {
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      env: prepared.env,
      stdin: options.stdin === 'pipe' ? 'pipe' : 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      detached: true,
    });
  } catch (error) {
    return failedChild(error);
  }
  const exited: Promise<ExitStatus> = proc.exited.then(() => ({
    code: proc.signalCode ? null : proc.exitCode,
    signal: proc.signalCode,
  }));
  const processes = jobProcesses(proc.pid, options.marker, exited, prepared.signals(proc.pid, sendSignal));
  prepared.started(exited);
  const sink = proc.stdin ?? undefined;
  let stdinClosed = false;
  const stdin = sink
    ? {
        async write(bytes: Uint8Array) {
          if (stdinClosed) throw new Error('stdin is closed');
          await sink.write(bytes);
          await sink.flush();
        },
        async close() {
          if (stdinClosed) return;
          stdinClosed = true;
          try {
            await sink.end();
          } catch {
            // already gone with the job
          }
        },
      }
    : undefined;
  return childFromWebStreams(proc.pid, proc, exited, {
    ...(stdin ? { stdin } : {}),
    kill: processes.kill,
    alive: processes.alive,
    detach: () => proc.unref(),
    ...(processes.listensOn ? { listensOn: processes.listensOn } : {}),
  });
}

/** The runtime for Bun. */
export function createBunRuntime(): Runtime {
  const hooks = new ShutdownHooks(processShutdownHost());
  return {
    name: 'bun',
    spawn: spawnWithBun,
    now: () => performance.now(),
    sleep: realSleep,
    env: processEnv,
    onShutdown: (fn) => hooks.add(fn),
    realPath: (path) => realpathSync(path),
    probePort,
    files: hostFiles,
    sandboxProblem: (sandbox) =>
      sandboxProblem(sandbox, processEnv().PATH, (file, args) => {
        const r = bun().spawnSync([file, ...args], { stdout: 'ignore', stderr: 'pipe' });
        return { code: r.exitCode, stderr: new TextDecoder().decode(r.stderr) };
      }),
  };
}
