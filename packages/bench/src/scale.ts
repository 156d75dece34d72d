/**
 * The executor's cost as work grows, on this runtime: jobs per second at several concurrency
 * caps against the runtime's own spawn API driven the same way in the same process (the raw
 * ceiling), submit->notice latency under that load, and memory per 1000 finished jobs.
 *
 * Raw and executor rounds alternate (raw, executor, raw, executor, ...) and each figure is the
 * median of its rounds, so a machine that slows down mid-run (another process, a growing heap)
 * weighs on both sides alike.
 */
import { BackgroundExecutor, type DurableStore, type Runtime } from '@bgtasks/core';
import { percentile } from './stats.ts';

/** Spawns `sh -c command` through the runtime's own API and resolves after exit and both pipes closed. */
export type RawSpawn = (command: string, env: Record<string, string>) => Promise<void>;

/** What {@link measureScale} needs from its host. */
export interface ScaleOptions {
  runtime: Runtime;
  rawSpawn: RawSpawn;
  /** Resident set size of this process, in bytes. */
  rss: () => number;
  /** Bytes of live JS heap (after a GC), where the runtime says: what finished jobs really keep. */
  heapUsed?: () => number;
  /** Bytes the JS heap has reserved (live or not), where the runtime says: its own sizing. */
  heapTotal?: () => number;
  /** Executor jobs run before the memory baseline, so code loading and JIT are not counted. Default 100. */
  warmupJobs?: number;
  /** A full garbage collection, where the runtime offers one. */
  gc?: () => void;
  /** Jobs per round. Default 1000. */
  jobs?: number;
  /** Concurrency caps to measure. Default [1, 4, 16]. */
  caps?: readonly number[];
  /** Rounds per cap and side; the median is reported. Default 3. */
  rounds?: number;
  /** Jobs per memory batch. Default 1000 (the figures are then "per 1000 finished jobs"). */
  memoryJobs?: number;
  /** Memory batches, one executor throughout; the first is the fresh process's. Default 5, at least 2. */
  memoryBatches?: number;
  /** The command every job runs. Default `true`. */
  command?: string;
  /** The runtime's version, copied into the result. */
  version?: string;
  /**
   * A fresh durable store per round: each cap also runs the same jobs durable (under the
   * supervisor, output through the log file, records written), for the cost of durability.
   */
  durableStore?: () => DurableStore;
  /** Called after each round, for progress. */
  onRound?: (line: string) => void;
}

/** Throughput at one cap. */
export interface ScaleRow {
  cap: number;
  rawJobsPerS: number;
  executorJobsPerS: number;
  /** executor / raw. */
  ratio: number;
  /** Submit -> notice published, every job of the executor rounds together. */
  noticeP50Ms: number;
  noticeP99Ms: number;
  /** With {@link ScaleOptions.durableStore}: the same for durable jobs. */
  durableJobsPerS?: number;
  durableNoticeP50Ms?: number;
  durableNoticeP99Ms?: number;
}

/** Memory growth over batches of `jobs` (1000 by default) finished jobs with no output. */
export interface ScaleMemory {
  jobs: number;
  /** RSS growth of the executor's first batch in this process (the runtime's own heap sizing included), MB. */
  firstExecutorMb: number;
  /**
   * RSS growth per batch once the host runs at its working size: the median over the batches
   * after the first (a long-lived host's slope), MB.
   */
  steadyExecutorMb: number;
  /** RSS growth of every batch, the first included, in order, MB. */
  batchesMb: number[];
  /**
   * Growth of what the JS heap reserved over all batches, MB, where the host says: the runtime
   * sizing its heap (V8 doubles its young generation under allocation), not jobs kept.
   */
  heapReservedMb?: number;
  /** The same raw spawn loop's first 1000 spawns, for reference, MB. */
  firstRawMb: number;
  /**
   * Live heap kept per finished job (bytes, after a GC) over the first batch: the job records the
   * retention policy keeps (`retainJobs`, 1000 by default; later batches replace them, so the live
   * heap stays flat). RSS moves with the heap's own sizing (V8 grows its young generation under
   * load), this does not. Absent where the host has no heap figure.
   */
  heapPerJobBytes?: number;
}

export interface ScaleResult {
  runtime: string;
  /** The runtime's version (e.g. `v20.20.2`, `1.4.5`), when the host says. */
  version?: string;
  jobs: number;
  rounds: number;
  rows: ScaleRow[];
  memory: ScaleMemory;
}

/** `+1.5` or `-0.3`: a growth in MB with its sign. */
function signed(mb: number): string {
  return `${mb >= 0 ? '+' : ''}${mb.toFixed(1)}`;
}

function median(values: readonly number[]): number {
  return percentile(values, 50);
}

async function rawRound(
  raw: RawSpawn,
  command: string,
  env: Record<string, string>,
  jobs: number,
  cap: number,
  now: () => number,
): Promise<number> {
  const started = now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs) {
      next++;
      await raw(command, env);
    }
  };
  await Promise.all(Array.from({ length: cap }, lane));
  return jobs / ((now() - started) / 1000);
}

async function executorRound(
  runtime: Runtime,
  command: string,
  jobs: number,
  cap: number,
  latencies: number[],
  store?: DurableStore,
): Promise<number> {
  const executor = new BackgroundExecutor(runtime, {
    maxConcurrent: cap,
    killOnShutdown: false,
    ...(store ? { durable: { store } } : {}),
  });
  const consumer = executor.bus.consumer('scale');
  const submittedAt = new Map<string, number>();
  const started = runtime.now();
  for (let i = 0; i < jobs; i++) submittedAt.set(executor.submit({ command }).id, runtime.now());
  for (let i = 0; i < jobs; i++) {
    const notice = await consumer.next();
    latencies.push(runtime.now() - (submittedAt.get(notice.jobId) ?? started));
  }
  const perSecond = jobs / ((runtime.now() - started) / 1000);
  await executor.close();
  return perSecond;
}

async function settledRss(options: ScaleOptions): Promise<number> {
  options.gc?.();
  await options.runtime.sleep(50);
  options.gc?.();
  return options.rss();
}

/** Memory first (a fresh process), then throughput. */
export async function measureScale(options: ScaleOptions): Promise<ScaleResult> {
  const { runtime, rawSpawn } = options;
  const jobs = options.jobs ?? 1000;
  const caps = options.caps ?? [1, 4, 16];
  const rounds = options.rounds ?? 3;
  const command = options.command ?? 'true';
  const env = runtime.env();
  const now = (): number => runtime.now();
  const log = options.onRound ?? (() => {});

  // Memory: the raw loop's own growth, then (after a short warm-up of the executor's code) batch
  // after batch of one executor, every job kept until retention replaces it.
  const memoryJobs = options.memoryJobs ?? 1000;
  const memoryBatches = Math.max(2, options.memoryBatches ?? 5);
  const r0 = await settledRss(options);
  await rawRound(rawSpawn, command, env, memoryJobs, 4, now);
  const executor = new BackgroundExecutor(runtime, { maxConcurrent: 4, killOnShutdown: false });
  const consumer = executor.bus.consumer('memory');
  const batch = async (jobs: number): Promise<void> => {
    for (let i = 0; i < jobs; i++) executor.submit({ command });
    for (let i = 0; i < jobs; i++) await consumer.next();
  };
  const r1 = await settledRss(options);
  await batch(options.warmupJobs ?? 100);
  let before = await settledRss(options);
  const h1 = options.heapUsed?.();
  const reserved1 = options.heapTotal?.();
  const batchesMb: number[] = [];
  let h2: number | undefined;
  for (let b = 0; b < memoryBatches; b++) {
    await batch(memoryJobs);
    const after = await settledRss(options);
    if (b === 0) h2 = options.heapUsed?.();
    batchesMb.push((after - before) / 1e6);
    before = after;
  }
  const reserved2 = options.heapTotal?.();
  await executor.close();
  const memory: ScaleMemory = {
    jobs: memoryJobs,
    firstRawMb: (r1 - r0) / 1e6,
    firstExecutorMb: batchesMb[0] ?? 0,
    steadyExecutorMb: median(batchesMb.slice(1)),
    batchesMb,
    ...(reserved1 !== undefined && reserved2 !== undefined ? { heapReservedMb: (reserved2 - reserved1) / 1e6 } : {}),
    ...(h1 !== undefined && h2 !== undefined ? { heapPerJobBytes: Math.round((h2 - h1) / memoryJobs) } : {}),
  };
  log(
    `memory: raw ${signed(memory.firstRawMb)} MB; executor batches ${batchesMb.map(signed).join(', ')} MB` +
      (memory.heapReservedMb !== undefined ? `, heap reserved ${signed(memory.heapReservedMb)} MB` : '') +
      (memory.heapPerJobBytes !== undefined ? `, heap kept per finished job ${memory.heapPerJobBytes} B` : ''),
  );

  const rows: ScaleRow[] = [];
  for (const cap of caps) {
    const raw: number[] = [];
    const exec: number[] = [];
    const latencies: number[] = [];
    const durable: number[] = [];
    const durableLatencies: number[] = [];
    for (let r = 0; r < rounds; r++) {
      raw.push(await rawRound(rawSpawn, command, env, jobs, cap, now));
      exec.push(await executorRound(runtime, command, jobs, cap, latencies));
      const store = options.durableStore?.();
      if (store) durable.push(await executorRound(runtime, command, jobs, cap, durableLatencies, store));
      log(
        `cap ${cap} round ${r + 1}/${rounds}: raw ${raw.at(-1)?.toFixed(0)} jobs/s, executor ${exec.at(-1)?.toFixed(0)} jobs/s` +
          (store ? `, durable ${durable.at(-1)?.toFixed(0)} jobs/s` : ''),
      );
    }
    const rawJobsPerS = median(raw);
    const executorJobsPerS = median(exec);
    rows.push({
      cap,
      rawJobsPerS,
      executorJobsPerS,
      ratio: executorJobsPerS / rawJobsPerS,
      noticeP50Ms: percentile(latencies, 50),
      noticeP99Ms: percentile(latencies, 99),
      ...(durable.length > 0
        ? {
            durableJobsPerS: median(durable),
            durableNoticeP50Ms: percentile(durableLatencies, 50),
            durableNoticeP99Ms: percentile(durableLatencies, 99),
          }
        : {}),
    });
  }
  return {
    runtime: runtime.name,
    ...(options.version !== undefined ? { version: options.version } : {}),
    jobs,
    rounds,
    rows,
    memory,
  };
}
