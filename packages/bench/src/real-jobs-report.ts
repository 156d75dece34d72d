/**
 * What `npm run bench:real-jobs` writes: its rows merged into `results.json` (beside any rows of
 * `npm run bench` or of other runtimes), the measured jobs of each run in `w8-runs.json`, and
 * `report-w8.md` (per runtime: makespan per strategy, block / strategy speedup, the post-hoc
 * bound and efficiency, turns, cost, the measured job times and the load average).
 */
import * as z from 'zod';
import { REAL_JOB_IDS, REAL_JOBS_WORKLOAD_ID } from './real-jobs.ts';
import type { ResultRow } from './result-row.ts';
import { resultRowSchema } from './result-row-schema.ts';
import type { RealJobsRun } from './run-real-jobs.ts';

/** One W8 run's measured jobs as stored in `w8-runs.json`, with the load around it. */
export const RealJobsRunSchema = z
  .object({
    runtime: z.string(),
    strategy: z.string(),
    estimatedBoundMs: z.number(),
    jobs: z.array(
      z
        .object({ id: z.string(), state: z.string(), exitCode: z.number().nullable(), durationMs: z.number().nullable() })
        .strict(),
    ),
    /** 1-minute load average when the run started and when it ended (`uptime`'s first figure). */
    load: z.object({ before: z.number(), after: z.number() }).strict().optional(),
  })
  .strict();

/** A stored run record. */
export type StoredRealJobsRun = RealJobsRun & { load?: { before: number; after: number } };

const key = (r: { runtime: string; strategy: string }) => `${r.runtime}\u0000${r.strategy}`;

/**
 * `existing` rows (parsed from a `results.json`, validated) with `fresh` W8 rows added; an older W8
 * row of the same runtime and strategy is replaced, every other row is kept as it was.
 * @throws ZodError when `existing` is not an array of result rows.
 */
export function mergeRows(existing: unknown, fresh: readonly ResultRow[]): ResultRow[] {
  const old = z.array(resultRowSchema).parse(existing);
  const replaced = new Set(fresh.map(key));
  return [...old.filter((r) => r.workload !== REAL_JOBS_WORKLOAD_ID || !replaced.has(key(r))), ...fresh];
}

/** The same for the run records of `w8-runs.json`. */
export function mergeRuns(existing: unknown, fresh: readonly StoredRealJobsRun[]): StoredRealJobsRun[] {
  const old = z.array(RealJobsRunSchema).parse(existing) as StoredRealJobsRun[];
  const replaced = new Set(fresh.map(key));
  return [...old.filter((r) => !replaced.has(key(r))), ...fresh];
}

const sec = (ms: number | null): string => (ms === null ? '-' : (ms / 1000).toFixed(1));

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function outcome(run: StoredRealJobsRun | undefined, row: ResultRow): string {
  if (row.stopReason !== 'end_turn') return `stopped: ${row.stopReason}`;
  if (!run) return '-';
  const bad = run.jobs.filter((j) => j.state !== 'completed' && j.state !== 'not run');
  return bad.length === 0 ? 'green' : `${bad.map((j) => `${j.id} ${j.state}`).join(', ')}`;
}

/**
 * The W8 table of one runtime: a line per strategy, in the order of `rows`.
 * Speedup is block's makespan over the strategy's (same runtime), `-` without a block row.
 */
export function realJobsTable(rows: readonly ResultRow[], runs: readonly StoredRealJobsRun[]): string {
  const block = rows.find((r) => r.strategy === 'block');
  const header = [
    'strategy',
    'makespan s',
    'block / strategy',
    'bound s (measured)',
    'efficiency',
    'turns (poll / idle)',
    'cost $',
    `${REAL_JOB_IDS.join(' / ')} s`,
    'load 1 min (start / end)',
    'outcome',
  ];
  const lines = rows.map((r) => {
    const run = runs.find((x) => key(x) === key(r));
    const times = REAL_JOB_IDS.map((id) => sec(run?.jobs.find((j) => j.id === id)?.durationMs ?? null)).join(' / ');
    return [
      r.strategy,
      sec(r.makespanMs),
      block ? `${(block.makespanMs / r.makespanMs).toFixed(2)}x` : '-',
      sec(r.lowerBoundMs),
      r.efficiency.toFixed(2),
      `${r.turns} (${r.pollTurns} / ${r.idleTurns})`,
      r.costUsd.toFixed(4),
      times,
      run?.load ? `${run.load.before.toFixed(2)} / ${run.load.after.toFixed(2)}` : '-',
      outcome(run, r),
    ];
  });
  return table(header, lines);
}

/**
 * `report-w8.md`: one table per runtime (from every W8 row in `rows`), then `notes`.
 * @example
 * writeFileSync('report-w8.md', realJobsReport(rows, runs, { notes: ['Copy of HEAD abc123.'] }));
 */
export function realJobsReport(
  rows: readonly ResultRow[],
  runs: readonly StoredRealJobsRun[],
  meta: { notes?: readonly string[] } = {},
): string {
  const w8 = rows.filter((r) => r.workload === REAL_JOBS_WORKLOAD_ID);
  const parts = [
    '# W8: real jobs (this repository, real time, full scale)',
    '',
    "Each run: the simulated model at its real pace (scale 1) drives this repository's own commands on a",
    'temporary copy of HEAD: `npm ci --offline --ignore-scripts` from the lock, then side by side typecheck',
    '(`tsc -p packages/bench`, which checks the sources of every package bench imports), lint (`npm run lint`)',
    'and `npx vitest run packages/core`, a review of their output, the answer. Strategies run one after the',
    "other, never two at once. The bound is the benchmark's `lowerBound` on the task graph with each job's",
    'duration and exit code as the executor measured them in that run (process start to exit), so it is valid',
    "for that run; jobs that share the machine run slower than alone, which a parallel run's bound includes and",
    "block's does not. Timings on a shared, loaded machine are noisy: the load average is beside each run.",
    '',
    ...(meta.notes ?? []),
    ...(meta.notes?.length ? [''] : []),
  ];
  for (const runtime of [...new Set(w8.map((r) => r.runtime))]) {
    parts.push(
      `## ${runtime}`,
      '',
      realJobsTable(
        w8.filter((r) => r.runtime === runtime),
        runs,
      ),
      '',
    );
  }
  if (w8.length === 0) parts.push('No W8 rows yet.', '');
  return `${parts.join('\n')}\n`;
}
