/**
 * Figures and table of `npm run bench:overhead`: percentiles of the two interleaved sides (the
 * runtime's own spawn API called directly, and the executor's submit->notice) and their ratios.
 * Pure: no runtime, no clock, so the driver script can load it on its own to tabulate.
 */
import { percentile } from './stats.ts';

/** The ratio the issue aims for: executor p50 and p95 at most 1.3 x the raw spawn's. */
export const OVERHEAD_AIM_RATIO = 1.3;

/** p50 and p95 of both sides, in ms, and executor / raw at each. */
export interface OverheadSummary {
  runs: number;
  rawP50Ms: number;
  rawP95Ms: number;
  executorP50Ms: number;
  executorP95Ms: number;
  /** executorP50Ms / rawP50Ms. */
  ratioP50: number;
  /** executorP95Ms / rawP95Ms. */
  ratioP95: number;
}

/** One runtime's row of the table. */
export interface OverheadRow extends OverheadSummary {
  /** What the first column shows, e.g. `node (v20.20.2)`. */
  runtime: string;
}

/**
 * Percentiles (nearest rank) of each side and their ratios. Each side is summarised on its own:
 * the ratio of p95s compares the two tails, not a per-run pairing.
 * @throws RangeError when the two sides hold different numbers of runs or none.
 */
export function summarizeOverhead(rawMs: readonly number[], executorMs: readonly number[]): OverheadSummary {
  if (rawMs.length === 0 || rawMs.length !== executorMs.length) {
    throw new RangeError(
      `both sides need the same number of runs, at least 1; got ${rawMs.length} raw, ${executorMs.length} executor`,
    );
  }
  const rawP50Ms = percentile(rawMs, 50);
  const rawP95Ms = percentile(rawMs, 95);
  const executorP50Ms = percentile(executorMs, 50);
  const executorP95Ms = percentile(executorMs, 95);
  return {
    runs: rawMs.length,
    rawP50Ms,
    rawP95Ms,
    executorP50Ms,
    executorP95Ms,
    ratioP50: executorP50Ms / rawP50Ms,
    ratioP95: executorP95Ms / rawP95Ms,
  };
}

const ms = (n: number): string => n.toFixed(2);
const ratio = (n: number): string => `${n.toFixed(2)}x`;

/**
 * The Markdown table (runtime, runs, raw p50 / p95, executor p50 / p95, ratio p50 / p95), then
 * one line per runtime whose ratio misses `aim`, with the figure: a missed aim stays printed.
 * @example
 * overheadTable([{ runtime: 'bun', ...summarizeOverhead(raw, executor) }])
 */
export function overheadTable(rows: readonly OverheadRow[], aim = OVERHEAD_AIM_RATIO): string {
  const lines = [
    '| runtime | runs | raw spawn p50 / p95 ms | executor p50 / p95 ms | ratio p50 / p95 |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.runtime} | ${r.runs} | ${ms(r.rawP50Ms)} / ${ms(r.rawP95Ms)} | ${ms(r.executorP50Ms)} / ${ms(r.executorP95Ms)} | ${ratio(r.ratioP50)} / ${ratio(r.ratioP95)} |`,
    );
  }
  const missed = rows.flatMap((r) => {
    const over = [r.ratioP50 > aim ? `p50 ${ratio(r.ratioP50)}` : '', r.ratioP95 > aim ? `p95 ${ratio(r.ratioP95)}` : ''].filter(
      Boolean,
    );
    return over.length > 0 ? [`${r.runtime} (${over.join(', ')})`] : [];
  });
  lines.push(
    '',
    missed.length === 0
      ? `Aim (executor <= ${aim}x raw at p50 and p95): met on every runtime.`
      : `Aim (executor <= ${aim}x raw at p50 and p95): missed on ${missed.join('; ')}.`,
  );
  return lines.join('\n');
}
