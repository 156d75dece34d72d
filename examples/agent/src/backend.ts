/**
 * `--backend local|bullmq`: the executor the agent runs its jobs on. `local` is the embedded
 * BackgroundExecutor; `bullmq` is a QueueExecutor on Redis whose jobs run on `bgtasks-worker`
 * processes (started here with `--workers N`, or running elsewhere).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackgroundExecutor, type Executor, type ReapedJob, type Runtime } from '@bgtasks/core';
import { createJobRegistry, hostRuntimeName } from '@bgtasks/runtime';
import { type CliOptions, UsageError } from './args.ts';
import { commandFor } from './relaunch.ts';

/** How long `--backend bullmq` waits for a worker before it says there is none. */
export const WORKER_WAIT_MS = 3_000;
/** How long a worker started by `--workers` may take to say it is ready. */
const WORKER_START_MS = 20_000;

/** The executor of a run and how to end it. */
export interface Backend {
  executor: Executor;
  /** What a local registry found of earlier runs that died (local backend only). */
  reaped: readonly ReapedJob[];
  /** A line for the start of the run. */
  describe: string;
  /** Closes the executor, then stops the workers this run started. */
  close(killGraceMs: number): Promise<void>;
}

/** Starts a `bgtasks-worker` process and resolves once it printed its ready line. */
function startWorkerProcess(script: string, args: readonly string[]): Promise<ChildProcess> {
  const runtime = hostRuntimeName();
  const [cmd, argv] = commandFor(runtime === 'bun' || runtime === 'deno' ? runtime : 'node', script, args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new UsageError(`--workers: a worker did not start within ${WORKER_START_MS / 1000} s: ${err.trim()}`));
    }, WORKER_START_MS);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes(' ready: ')) {
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(child);
      }
    });
    // Drained for the worker's whole life (a full pipe would block it); the start is kept for messages.
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (err.length < 10_000) err += chunk;
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new UsageError(`--workers: a worker exited at start: ${err.trim() || 'no message'}`));
    });
  });
}

async function stopProcesses(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
}

/** Opens the executor `options.backend` names; throws {@link UsageError} when it cannot (exit 2). */
export async function openBackend(options: CliOptions, runtime: Runtime, cwdRoot: string, stateDir: string): Promise<Backend> {
  if (options.backend === 'local') {
    if (options.workers > 0) throw new UsageError('--workers starts queue workers: it needs --backend bullmq');
    const executor = new BackgroundExecutor(runtime, {
      cwdRoot,
      ...(options.sandbox !== undefined ? { sandbox: options.sandbox } : {}),
      registry: createJobRegistry({ dir: stateDir }),
      // Full logs (bg_bash log: true) next to the registry, capped and removed after a day.
      logs: { dir: join(stateDir, '..', 'logs') },
    });
    return {
      executor,
      reaped: executor.reaped,
      describe: 'local executor',
      close: (killGraceMs) => executor.close({ killGraceMs }),
    };
  }
  // Loaded only for this backend: a local run needs neither BullMQ nor a Redis client installed.
  const { NoWorkerError, QueueExecutor, RedisUnavailableError } = await import('@bgtasks/bullmq');
  const workers: ChildProcess[] = [];
  try {
    if (options.workers > 0) {
      const script = fileURLToPath(
        new URL(`./bin/worker${extensionOf(import.meta.resolve('@bgtasks/bullmq'))}`, import.meta.resolve('@bgtasks/bullmq')),
      );
      const args = ['--redis', options.redis, '--queue', options.queue, '--cwd-root', cwdRoot, ...(options.sandboxArgs ?? [])];
      workers.push(...(await Promise.all(Array.from({ length: options.workers }, () => startWorkerProcess(script, args)))));
    }
    const executor = await QueueExecutor.open({ redis: options.redis, queue: options.queue, runtime, timeoutMs: WORKER_WAIT_MS });
    try {
      await executor.requireWorker(WORKER_WAIT_MS);
    } catch (error) {
      await executor.close();
      throw error;
    }
    return {
      executor,
      reaped: [],
      describe: `queue "${options.queue}" at ${executor.url}${options.workers > 0 ? ` with ${options.workers} local worker process(es)` : ''}`,
      async close(killGraceMs) {
        await executor.close({ killGraceMs });
        await stopProcesses(workers);
      },
    };
  } catch (error) {
    await stopProcesses(workers);
    if (NoWorkerError.isInstance(error) || RedisUnavailableError.isInstance(error)) {
      throw new UsageError(`--backend bullmq: ${error.message}`);
    }
    throw error;
  }
}

function extensionOf(url: string): string {
  const m = /\.[cm]?[jt]s$/.exec(url);
  return m ? m[0] : '.js';
}
