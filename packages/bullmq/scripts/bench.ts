// npm run bench:bullmq: end-to-end throughput (submit -> notice of `true`) with 1, 2 and 4
// worker processes against the local executor, and notice latency (job end -> the host has
// the notice) through Redis. Uses the shared Redis at 127.0.0.1:6379 under a fresh prefix.
import process from 'node:process';
import { BackgroundExecutor, type Executor, type Notice } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { type FlagSpecs, flagsHelp, numberFlag, parseFlags, UsageError } from '@bgtasks/runtime/cli';
import { QueueExecutor } from '../src/index.ts';
import { type Proc, spawnWorker } from '../src/test-support/processes.ts';
import { deletePrefix, uniquePrefix } from '../src/test-support/redis.ts';

const FLAGS = {
  jobs: { type: 'string', value: 'N', default: '400', description: 'jobs of `true` per backend (1 or more)' },
  concurrency: { type: 'string', value: 'N', default: '4', description: 'jobs at once per worker and locally (1 or more)' },
  redis: { type: 'string', value: 'URL', default: 'redis://127.0.0.1:6379', description: 'the Redis to use' },
  workers: { type: 'string', value: 'LIST', default: '1,2,4', description: 'worker process counts to measure, comma-separated' },
  help: { type: 'boolean', short: 'h', description: 'this text' },
} as const satisfies FlagSpecs;

const HELP = `npm run bench:bullmq -- [flags]

End-to-end throughput (submit -> notice of \`true\`) of the local executor and of the queue
backend with each count of worker processes, and notice latency through Redis (shared Redis,
fresh key prefix). Exit codes: 0 done, 1 a run failed, 2 bad input.

${flagsHelp(FLAGS)}`;

/** The flags, or one line on stderr and exit 2. */
function parse(argv: readonly string[]) {
  try {
    const { values } = parseFlags(argv, FLAGS);
    if (values.help === true) {
      process.stdout.write(`${HELP}\n`);
      process.exit(0);
    }
    const str = (name: keyof typeof FLAGS) => values[name] as string | undefined;
    const whole = { min: 1, integer: true };
    const workers = (str('workers') ?? '1,2,4').split(',').map((n) => numberFlag('workers', n.trim(), whole));
    return {
      jobs: numberFlag('jobs', str('jobs') ?? '400', whole),
      concurrency: numberFlag('concurrency', str('concurrency') ?? '4', whole),
      url: str('redis') ?? 'redis://127.0.0.1:6379',
      workers,
    };
  } catch (error) {
    if (!UsageError.isInstance(error)) throw error;
    process.stderr.write(`bench:bullmq: ${error.message}\n`);
    process.exit(2);
  }
}

const { jobs, concurrency, url, workers: workerCounts } = parse(process.argv.slice(2));
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

for (const n of workerCounts) {
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
