// The sandbox's cost per job: submit -> final notice of `true`, sandboxed (bubblewrap, network
// off) against unsandboxed, interleaved in one process (the side that goes first alternates),
// after unmeasured warm-up rounds, on this runtime. Prints one JSON line.
//   node --conditions=@bgtasks/source --import tsx scripts/sandbox-cost.ts [runs]
//   bun --conditions=@bgtasks/source scripts/sandbox-cost.ts [runs]
//   deno run -A --conditions=@bgtasks/source scripts/sandbox-cost.ts [runs]
import process from 'node:process';
import { BackgroundExecutor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';

const runs = Number(process.argv[2] ?? 100);
const warmup = 10;
const runtime = createRuntime();
const executor = new BackgroundExecutor(runtime);
const consumer = executor.bus.consumer('sandbox-cost');
const cwd = process.cwd();

async function once(sandbox: boolean): Promise<number> {
  const t0 = runtime.now();
  const { id } = executor.submit({ command: 'true', cwd, sandbox });
  const notice = await consumer.next();
  if (notice.jobId !== id || notice.state !== 'completed') throw new Error(`job ${id}: ${notice.state}`);
  return runtime.now() - t0;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) * 100) / 100;
}

const plain: number[] = [];
const boxed: number[] = [];
for (let i = 0; i < warmup + runs; i++) {
  const took = new Map<boolean, number>();
  for (const sandbox of i % 2 === 0 ? [false, true] : [true, false]) took.set(sandbox, await once(sandbox));
  if (i >= warmup) {
    plain.push(took.get(false) ?? 0);
    boxed.push(took.get(true) ?? 0);
  }
}
await executor.close();
process.stdout.write(
  `${JSON.stringify({
    runtime: runtime.name,
    runs,
    unsandboxed: { p50: pct(plain, 50), p95: pct(plain, 95) },
    sandboxed: { p50: pct(boxed, 50), p95: pct(boxed, 95) },
    addedP50Ms: Math.round((pct(boxed, 50) - pct(plain, 50)) * 100) / 100,
  })}\n`,
);
