/**
 * The executor's overhead on this runtime, per job: `submit` -> the notice reaching a consumer
 * on the bus, against the runtime's own spawn API called directly for the same argv
 * (`/bin/sh -c true`), with the same isolation (its own process group) and both pipes streamed
 * and drained, awaited to its exit.
 *
 * The two sides are interleaved in one process (raw, executor, executor, raw, ...: the side that
 * goes first alternates), so a machine that slows down mid-run, a growing heap or a JIT warming
 * up weighs on both alike; unmeasured warm-up rounds of each come first.
 */
import { BackgroundExecutor, type Runtime } from '@bgtasks/core';
import { type OverheadSummary, summarizeOverhead } from './overhead-report.ts';
import type { RawSpawn } from './scale.ts';

/** What {@link measureOverhead} needs from its host. */
export interface OverheadOptions {
  runtime: Runtime;
  /** The runtime's own spawn API (see `bin/raw-spawn.ts`): `/bin/sh -c command`, own group, pipes drained. */
  rawSpawn: RawSpawn;
  /** Measured rounds (one job per side each). Default 200. */
  runs?: number;
  /** Unmeasured rounds first. Default 20. */
  warmup?: number;
  /** The shell command both sides run. Default `true`. */
  command?: string;
  /** The runtime's version (e.g. `v20.20.2`), copied into the result. */
  version?: string;
  /** Called after each round (warm-up included) with rounds done and the total. */
  onRound?: (done: number, total: number) => void;
}

/** One runtime's figures, and every measured sample (ms) of each side in run order. */
export interface OverheadResult extends OverheadSummary {
  runtime: string;
  version?: string;
  command: string;
  warmup: number;
  samples: { rawMs: number[]; executorMs: number[] };
}

/** Default of {@link OverheadOptions.runs}. */
export const DEFAULT_OVERHEAD_RUNS = 200;
/** Default of {@link OverheadOptions.warmup}. */
export const DEFAULT_OVERHEAD_WARMUP = 20;

/**
 * Measures `runs` interleaved rounds after `warmup` unmeasured ones, with an executor at its
 * defaults (as a user gets it), one job at a time.
 * @example
 * const r = await measureOverhead({ runtime: createRuntime(), rawSpawn, runs: 200 });
 * r.ratioP50; // executor p50 / raw p50
 */
export async function measureOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const { runtime, rawSpawn } = options;
  const runs = options.runs ?? DEFAULT_OVERHEAD_RUNS;
  const warmup = options.warmup ?? DEFAULT_OVERHEAD_WARMUP;
  const command = options.command ?? 'true';
  const env = runtime.env();
  const executor = new BackgroundExecutor(runtime);
  const consumer = executor.bus.consumer('overhead');
  const raw = async (): Promise<number> => {
    const t0 = runtime.now();
    await rawSpawn(command, env);
    return runtime.now() - t0;
  };
  const viaExecutor = async (): Promise<number> => {
    const t0 = runtime.now();
    const { id } = executor.submit({ command });
    const notice = await consumer.next();
    const elapsed = runtime.now() - t0;
    if (notice.jobId !== id || notice.state !== 'completed') {
      throw new Error(`bench:overhead: expected job ${id} to complete, got ${notice.jobId} ${notice.state}`);
    }
    return elapsed;
  };
  const rawMs: number[] = [];
  const executorMs: number[] = [];
  try {
    for (let i = 0; i < warmup + runs; i++) {
      let r: number;
      let e: number;
      if (i % 2 === 0) {
        r = await raw();
        e = await viaExecutor();
      } else {
        e = await viaExecutor();
        r = await raw();
      }
      if (i >= warmup) {
        rawMs.push(r);
        executorMs.push(e);
      }
      options.onRound?.(i + 1, warmup + runs);
    }
  } finally {
    await executor.close();
  }
  return {
    runtime: runtime.name,
    ...(options.version !== undefined ? { version: options.version } : {}),
    command,
    warmup,
    ...summarizeOverhead(rawMs, executorMs),
    samples: { rawMs, executorMs },
  };
}
