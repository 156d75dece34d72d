/**
 * The Node runtime: `node:child_process` with `detached: true`, so each job's `sh -c` is a
 * session and process-group leader, and the group is signalled as a whole.
 */
import { spawn as spawnChild, spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import type { Child, ChildStdin, ExitStatus, Runtime, SpawnOptions } from '@bgtasks/core';
import { ChunkQueue, closeAfterExit } from './internal/chunk-queue.ts';
import { hostFiles, probePort } from './internal/host-io.ts';
import { jobProcesses } from './internal/proc-tree.ts';
import { processEnv, processShutdownHost, sendSignal } from './internal/process-host.ts';
import { sandboxProblem } from './internal/sandbox-check.ts';
import { prepareSpawn } from './internal/sandbox-spawn.ts';
import { ShutdownHooks } from './internal/shutdown.ts';
import { realSleep } from './internal/sleep.ts';

/** Spawns `sh -c command` through node:child_process (used by Node, and as the fallback). */
export function spawnWithChildProcess(command: string, options: SpawnOptions = {}): Child {
  const prepared = prepareSpawn(command, options, processEnv);
  const proc = spawnChild(prepared.file, prepared.args, {
    cwd: options.cwd,
    env: prepared.env,
    detached: true,
    stdio: [options.stdin === 'pipe' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const stdout = new ChunkQueue();
  const stderr = new ChunkQueue();
  // Backpressure: a full queue pauses its pipe until the consumer has read it down.
  proc.stdout?.on('data', (c: Uint8Array) => {
    if (!stdout.push(c, performance.now())) {
      proc.stdout?.pause();
      void stdout.whenDrained().then(() => proc.stdout?.resume());
    }
  });
  proc.stderr?.on('data', (c: Uint8Array) => {
    if (!stderr.push(c, performance.now())) {
      proc.stderr?.pause();
      void stderr.whenDrained().then(() => proc.stderr?.resume());
    }
  });
  proc.stdout?.on('end', () => stdout.end());
  proc.stderr?.on('end', () => stderr.end());
  proc.stdout?.on('error', () => stdout.end());
  proc.stderr?.on('error', () => stderr.end());
  const exited = new Promise<ExitStatus>((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
    proc.once('error', (error) => {
      stdout.end();
      stderr.end();
      resolve({ code: null, signal: null, error: error.message });
    });
  });
  closeAfterExit(exited, [stdout, stderr], () => {
    proc.stdout?.destroy();
    proc.stderr?.destroy();
  });
  const pipe = proc.stdin;
  // A job that exits or closes its stdin makes writes fail with EPIPE: an error to the writer,
  // never an unhandled one.
  pipe?.on('error', () => {});
  const stdin: ChildStdin | undefined = pipe
    ? {
        write: (bytes) =>
          new Promise<void>((resolve, reject) => {
            if (pipe.destroyed || pipe.writableEnded) {
              reject(new Error('stdin is closed'));
              return;
            }
            pipe.write(bytes, (error) => (error ? reject(error) : resolve()));
          }),
        close: () =>
          new Promise<void>((resolve) => {
            if (pipe.destroyed || pipe.writableEnded) resolve();
            else pipe.end(() => resolve());
          }),
      }
    : undefined;
  const pid = proc.pid ?? -1;
  const processes = jobProcesses(pid, options.marker, exited, prepared.signals(pid, sendSignal));
  prepared.started(exited);
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    pid,
    stdout,
    stderr,
    exited,
    ...(stdin ? { stdin } : {}),
    kill(signal) {
      // After exit the leader is reaped, but leftovers may still hold the group id.
      if (pid > 0) processes.kill(signal);
      else if (!done) proc.kill(signal);
    },
    alive: () => pid > 0 && processes.alive(),
    detach() {
      proc.unref();
      proc.stdout?.destroy();
      proc.stderr?.destroy();
      proc.stdin?.destroy();
    },
    ...(processes.listensOn && pid > 0 ? { listensOn: processes.listensOn } : {}),
  };
}

/** Runs `file` to its end (the sandbox's one-time probe of bwrap). */
function runSync(file: string, args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw r.error;
  return { code: r.status, stderr: r.stderr };
}

/** The runtime for Node.js. */
export function createNodeRuntime(): Runtime {
  const hooks = new ShutdownHooks(processShutdownHost());
  return {
    name: 'node',
    spawn: spawnWithChildProcess,
    now: () => performance.now(),
    sleep: realSleep,
    env: processEnv,
    onShutdown: (fn) => hooks.add(fn),
    realPath: (path) => realpathSync(path),
    probePort,
    files: hostFiles,
    sandboxProblem: (sandbox) => sandboxProblem(sandbox, processEnv().PATH, runSync),
  };
}
