// Worker processes for `npm run bench --jobs N`: each runs bench-worker.ts under the same
// runtime as this process (node + tsx, bun or deno, through runtimeCommand) and takes one run at
// a time over a line protocol on its stdin / stdout. Processes, not threads: a virtual run is
// CPU-bound JavaScript, each process gets its own event loop and its own virtual clocks, and the
// same entry works unchanged under Node, Bun and Deno.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import * as z from 'zod';
import type { BenchStrategy } from '../bench-strategy.ts';
import type { ResultRow } from '../result-row.ts';
import { resultRowSchema } from '../result-row-schema.ts';
import type { RunRunner } from '../run-bench.ts';
import type { Workload } from '../workload.ts';

const workerEntry = fileURLToPath(new URL('./bench-worker.ts', import.meta.url));

const answer = z.union([
  z.object({ n: z.number().int(), row: resultRowSchema }),
  z.object({ n: z.number().int(), error: z.string() }),
]);

/** A set of worker processes: one {@link RunRunner} per process, and `close()` to end them. */
export interface WorkerPool {
  runners: RunRunner[];
  /** Ends every worker (closes its stdin) and waits for it to exit. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (row: ResultRow) => void;
  reject: (error: Error) => void;
}

function startWorker(
  runtime: 'node' | 'bun' | 'deno',
  runtimeName: string,
  index: number,
  systemTokens: number | undefined,
): { runner: RunRunner; close: () => Promise<void> } {
  const [cmd, args] = runtimeCommand(runtime, workerEntry, []);
  const child: ChildProcessWithoutNullStreams = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const pending = new Map<number, Pending>();
  let stderrTail = '';
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-2000);
  });
  child.on('error', (error) => fail(new Error(`bench worker ${index} (${cmd}) could not start: ${error.message}`)));
  const exited = new Promise<void>((resolve) => {
    child.on('close', (code, signal) => {
      if (pending.size > 0 || (code !== 0 && code !== null) || signal)
        fail(new Error(`bench worker ${index} ended (code ${code}, signal ${signal}): ${stderrTail.trim() || 'no output'}`));
      resolve();
    });
  });
  createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      json = undefined;
    }
    const parsed = answer.safeParse(json);
    if (!parsed.success) {
      fail(new Error(`bench worker ${index} wrote a line that is not an answer: ${line.slice(0, 200)}`));
      child.kill();
      return;
    }
    const p = pending.get(parsed.data.n);
    pending.delete(parsed.data.n);
    if ('row' in parsed.data) p?.resolve(parsed.data.row);
    else p?.reject(new Error(`bench worker ${index}: ${parsed.data.error}`));
  });
  let next = 0;
  const runner: RunRunner = (workload: Workload, strategy: BenchStrategy) =>
    new Promise<ResultRow>((resolve, reject) => {
      if (failure) return reject(failure);
      const n = next++;
      pending.set(n, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ n, workload: workload.id, strategy, runtimeName, systemTokens })}\n`);
    });
  return {
    runner,
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/**
 * Starts `count` worker processes under `runtime` (the one running this process).
 * Workloads travel by id (`W1`, `W7-12`): a worker rebuilds them from the files and seeds.
 */
export function startWorkerPool(
  count: number,
  runtime: 'node' | 'bun' | 'deno',
  runtimeName: string,
  systemTokens?: number,
): WorkerPool {
  const workers = Array.from({ length: count }, (_, i) => startWorker(runtime, runtimeName, i + 1, systemTokens));
  return {
    runners: workers.map((w) => w.runner),
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
