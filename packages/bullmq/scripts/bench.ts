// npm run bench:bullmq: end-to-end throughput (submit -> notice of `true`) with 1, 2 and 4
// worker processes against the local executor, and notice latency (job end -> the host has
// the notice) through Redis. Uses the shared Redis at 127.0.0.1:6379 under a fresh prefix.
import process from 'node:process';
import { parseArgs } from 'node:util';
import { BackgroundExecutor, type Executor, type Notice } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { QueueExecutor } from '../src/index.ts';
import { type Proc, spawnWorker } from '../src/test-support/processes.ts';
import { deletePrefix, uniquePrefix } from '../src/test-support/redis.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '4' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    workers: { type: 'string', default: '1,2,4' },
  },
});
const jobs = Number(values.jobs);
const concurrency = Number(values.concurrency);
const url = values.redis;
const runtime = createRuntime();

interface Row {
  backend: string;
  jobsPerSecond: number;
  p50: number;
  p95: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Submits `jobs` x `true` as fast as it can and reads every notice; wall time from first submit to last notice. */
async function measure(backend: string, executor: Executor): Promise<Row> {
  const consumer = executor.bus.consumer('bench');
  const latencies: number[] = [];
  const started = runtime.now();
  const reading = (async () => {
    const got: Notice[] = [];
    while (got.length < jobs) {
      const n = await consumer.next(AbortSignal.timeout(120_000));
      latencies.push(runtime.now() - n.endedAt);
      got.push(n);
    }
    return got;
  })();
  for (let i = 0; i < jobs; i++) await executor.submit({ command: 'true' });
  const got = await reading;
  const seconds = (runtime.now() - started) / 1000;
  const failed = got.filter((n) => n.state !== 'completed').length;
  if (failed > 0) throw new Error(`${backend}: ${failed} jobs did not complete`);
  latencies.sort((a, b) => a - b);
  return { backend, jobsPerSecond: jobs / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

const rows: Row[] = [];
const local = new BackgroundExecutor(runtime, { maxConcurrent: concurrency });
rows.push(await measure(`local executor (maxConcurrent ${concurrency})`, local));
await local.close();

for (const n of values.workers.split(',').map(Number)) {
  const prefix = uniquePrefix();
  const workers: Proc[] = [];
  for (let i = 0; i < n; i++) {
    workers.push(
      await spawnWorker(['--redis', url, '--prefix', prefix, '--queue', 'bench', '--concurrency', String(concurrency)]),
    );
  }
  const executor = await QueueExecutor.open({ redis: url, prefix, queue: 'bench' });
  try {
    rows.push(await measure(`bullmq, ${n} worker process${n > 1 ? 'es' : ''} x concurrency ${concurrency}`, executor));
  } finally {
    await executor.close();
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await deletePrefix(url, prefix);
  }
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
process.stdout.write(`\n${jobs} jobs of \`true\`, node ${process.versions.node}\n\n`);
process.stdout.write('| backend | jobs/s (submit -> notice) | notice latency p50 | p95 |\n|---|---:|---:|---:|\n');
for (const r of rows) process.stdout.write(`| ${r.backend} | ${r.jobsPerSecond.toFixed(0)} | ${fmt(r.p50)} | ${fmt(r.p95)} |\n`);
process.exit(0);
