// A worker process of `npm run bench --jobs N`: reads one run per stdin line
// ({"n": 0, "workload": "W7-3", "strategy": "inject", "runtimeName": "node"}), runs it on the
// virtual clock in this process, and answers one line per run on stdout: {"n": 0, "row": {...}}
// or {"n": 0, "error": "..."}. Ends when stdin ends. Started by worker-pool.ts, not by people.
import { createInterface } from 'node:readline';
import * as z from 'zod';
import { BENCH_STRATEGIES } from '../bench-strategy.ts';
import { runWorkload } from '../run-workload.ts';
import { workloadById } from './load-workloads.ts';

const request = z.object({
  n: z.number().int().nonnegative(),
  workload: z.string(),
  strategy: z.enum(BENCH_STRATEGIES as [string, ...string[]]),
  runtimeName: z.string(),
  systemTokens: z.number().int().nonnegative().optional(),
});

const write = (line: unknown): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

// One run at a time, in arrival order: virtual runs in one process are never interleaved.
for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
  if (line.trim() === '') continue;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    json = undefined;
  }
  const parsed = request.safeParse(json);
  if (!parsed.success) {
    process.stderr.write(`bench worker: bad request line: ${line.slice(0, 200)}\n`);
    process.exit(2);
  }
  const { n, workload: id, strategy, runtimeName, systemTokens } = parsed.data;
  const workload = workloadById(id);
  if (!workload) {
    write({ n, error: `no workload "${id}"` });
    continue;
  }
  try {
    const row = await runWorkload({
      workload,
      strategy: strategy as (typeof BENCH_STRATEGIES)[number],
      runtimeName,
      ...(systemTokens !== undefined ? { systemTokens } : {}),
    });
    write({ n, row });
  } catch (error) {
    write({ n, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
