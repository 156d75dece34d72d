/**
 * Overhead of the executor on this runtime: time from `submit` to the published notice for
 * `true`, beside the raw spawn-to-exit time of `true` through the same runtime. Prints one JSON
 * line (the driver `scripts/bench-overhead.mjs` runs it on each runtime and tabulates).
 */
import { BackgroundExecutor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { percentile } from './stats.ts';

/** One runtime's figures, in ms. */
export interface OverheadResult {
  runtime: string;
  runs: number;
  spawnP50Ms: number;
  spawnP95Ms: number;
  noticeP50Ms: number;
  noticeP95Ms: number;
}

/** Measures `runs` rounds of each, after `warmup` unmeasured rounds. */
export async function measureOverhead(runs = 100, warmup = 10): Promise<OverheadResult> {
  const runtime = createRuntime();
  const env = runtime.env();
  const spawnMs: number[] = [];
  const noticeMs: number[] = [];
  const executor = new BackgroundExecutor(runtime, { maxConcurrent: 1 });
  const consumer = executor.bus.consumer('overhead');
  for (let i = 0; i < warmup + runs; i++) {
    // Raw: spawn `true` and wait for its exit and both pipes to end.
    const t0 = runtime.now();
    const child = runtime.spawn('true', { env });
    await Promise.all([child.exited, drain(child.stdout), drain(child.stderr)]);
    const t1 = runtime.now();
    // Executor: submit to the notice arriving on the bus.
    executor.submit({ command: 'true' });
    await consumer.next();
    const t2 = runtime.now();
    if (i >= warmup) {
      spawnMs.push(t1 - t0);
      noticeMs.push(t2 - t1);
    }
  }
  await executor.close();
  return {
    runtime: runtime.name,
    runs,
    spawnP50Ms: percentile(spawnMs, 50),
    spawnP95Ms: percentile(spawnMs, 95),
    noticeP50Ms: percentile(noticeMs, 50),
    noticeP95Ms: percentile(noticeMs, 95),
  };
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of stream) {
    // discard
  }
}
