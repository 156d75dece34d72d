/**
 * "What to choose": which strategy a user should pick, read from the measured rows (never
 * written by hand), so the advice changes when the figures do.
 *
 * Equal makespan: a strategy's makespan within 1% of the lowest on that workload. Among those,
 * the cheapest is "cheapest at equal makespan": a strategy that is cheaper only because it is
 * slower does not count.
 */
import type { ResultRow } from './result-row.ts';

/** Makespans within this fraction of the lowest count as equal. */
export const EQUAL_MAKESPAN_TOLERANCE = 0.01;

/** Rows of `group` whose makespan is within {@link EQUAL_MAKESPAN_TOLERANCE} of the lowest. */
export function fastestRows(group: readonly ResultRow[]): ResultRow[] {
  const best = Math.min(...group.map((r) => r.makespanMs));
  return group.filter((r) => r.makespanMs <= best * (1 + EQUAL_MAKESPAN_TOLERANCE));
}

/**
 * The cheapest row among those at equal makespan (within 1% of the lowest); fewer turns on a
 * cost tie. Undefined for an empty group.
 */
export function cheapestAtEqualMakespan(group: readonly ResultRow[]): ResultRow | undefined {
  return fastestRows(group).sort((a, b) => a.costUsd - b.costUsd || a.turns - b.turns)[0];
}

function byWorkload(rows: readonly ResultRow[]): Map<string, ResultRow[]> {
  const map = new Map<string, ResultRow[]>();
  for (const r of rows) map.set(r.workload, [...(map.get(r.workload) ?? []), r]);
  return map;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

const isGraph = (workload: string): boolean => workload.startsWith('W7-');

/** Workload ids as a short list: W7 graphs folded into one "W7 (k of n graphs)" entry. */
function names(ids: readonly string[], w7Total: number): string {
  const plain = ids.filter((w) => !isGraph(w));
  const w7 = ids.length - plain.length;
  const parts = [...plain, ...(w7 > 0 ? [`W7 (${w7} of ${w7Total} graphs)`] : [])];
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** How many workloads: the scenario workloads and the W7 graphs counted apart. */
interface Tally {
  fixed: number;
  graphs: number;
}

const tallyOf = (ids: readonly string[]): Tally => ({
  fixed: ids.filter((w) => !isGraph(w)).length,
  graphs: ids.filter(isGraph).length,
});

/** "3 of 6 workloads and 40 of 100 W7 graphs", leaving out a kind that did not run. */
function ofTotal(part: Tally, whole: Tally): string {
  const out: string[] = [];
  if (whole.fixed > 0) out.push(`${part.fixed} of ${whole.fixed} workloads`);
  if (whole.graphs > 0) out.push(`${part.graphs} of ${whole.graphs} W7 graphs`);
  return out.join(' and ');
}

/** The share of `part` in `whole`, the scenario workloads and the W7 graphs weighing equally. */
function share(part: Tally, whole: Tally): number {
  const kinds = (whole.fixed > 0 ? 1 : 0) + (whole.graphs > 0 ? 1 : 0);
  if (kinds === 0) return 0;
  return ((whole.fixed > 0 ? part.fixed / whole.fixed : 0) + (whole.graphs > 0 ? part.graphs / whole.graphs : 0)) / kinds;
}

/**
 * The "What to choose" section (Markdown, no heading) for the rows of one clock: per strategy on
 * how many workloads it is at equal makespan with the fastest and on how many it is the cheapest
 * there (the scenario workloads and the W7 graphs counted apart, so a hundred graphs do not
 * drown six workloads), its median cost against the cheapest at equal makespan, and a pick.
 * @example
 * const md = whatToChoose(rows.filter((r) => r.clock === 'virtual'));
 */
export function whatToChoose(rows: readonly ResultRow[]): string {
  const groups = [...byWorkload(rows).values()].filter((g) => g.length > 1);
  if (groups.length === 0) return 'Not enough rows to compare strategies.';
  const strategies = [...new Set(rows.map((r) => r.strategy))];
  const w7Total = groups.filter((g) => isGraph(g[0]?.workload ?? '')).length;
  const stats = strategies.map((strategy) => {
    const present: string[] = [];
    const fast: string[] = [];
    const cheap: string[] = [];
    const slowdown: number[] = [];
    const costRatio: number[] = [];
    for (const group of groups) {
      const row = group.find((r) => r.strategy === strategy);
      if (!row) continue;
      present.push(row.workload);
      const best = Math.min(...group.map((r) => r.makespanMs));
      if (fastestRows(group).includes(row)) fast.push(row.workload);
      else slowdown.push(row.makespanMs / best);
      const winner = cheapestAtEqualMakespan(group);
      if (winner === row) cheap.push(row.workload);
      if (winner && winner.costUsd > 0) costRatio.push(row.costUsd / winner.costUsd);
    }
    const whole = tallyOf(present);
    return {
      strategy,
      whole,
      fast: tallyOf(fast),
      fastIds: fast,
      cheap: tallyOf(cheap),
      fastShare: share(tallyOf(fast), whole),
      cheapShare: share(tallyOf(cheap), whole),
      /** Median makespan over the lowest, on the workloads where it is not at equal makespan. */
      slowdown: slowdown.length === 0 ? undefined : median(slowdown),
      costRatio: median(costRatio),
    };
  });
  const lines = stats.map((s) => {
    const slow = s.slowdown === undefined ? '' : `; elsewhere median ${s.slowdown.toFixed(2)}x the lowest makespan`;
    const cost = Number.isNaN(s.costRatio) ? '' : `; median cost ${s.costRatio.toFixed(2)}x the cheapest at equal makespan`;
    const some = s.fastIds.length > 0 && s.fastIds.length < s.whole.fixed + s.whole.graphs;
    return (
      `- **${s.strategy}**: lowest makespan (within 1%) on ${ofTotal(s.fast, s.whole)}` +
      `; cheapest at equal makespan on ${ofTotal(s.cheap, s.whole)}${slow}${cost}.` +
      (some ? ` At equal makespan on: ${names(s.fastIds, w7Total)}.` : '')
    );
  });
  // The pick: the largest share of wins at equal makespan, then of workloads at the lowest
  // makespan, then the lowest median cost ratio.
  const ranked = [...stats].sort((a, b) => b.cheapShare - a.cheapShare || b.fastShare - a.fastShare || a.costRatio - b.costRatio);
  const pick = ranked[0];
  const runnerUp = ranked[1];
  const advice: string[] = [];
  if (pick) {
    advice.push(
      `**Choose ${pick.strategy}**: the cheapest strategy at equal makespan on ${ofTotal(pick.cheap, pick.whole)}` +
        `, within 1% of the lowest makespan on ${ofTotal(pick.fast, pick.whole)}` +
        (runnerUp ? `; next is ${runnerUp.strategy} (cheapest on ${ofTotal(runnerUp.cheap, runnerUp.whole)}).` : '.'),
    );
  }
  const block = stats.find((s) => s.strategy === 'block');
  if (block && block !== pick)
    advice.push(
      block.fastIds.length === 0
        ? `block was never within 1% of the lowest makespan (median ${block.slowdown?.toFixed(2)}x).`
        : `block only where it ties the fastest: ${names(block.fastIds, w7Total)}` +
            (block.slowdown === undefined ? '.' : `; elsewhere median ${block.slowdown.toFixed(2)}x slower.`),
    );
  const polls = stats.filter((s) => s.strategy.startsWith('poll:')).sort((a, b) => a.costRatio - b.costRatio);
  const dearest = polls.at(-1);
  if (polls.length > 1 && dearest && dearest !== pick)
    advice.push(
      `Among poll policies ${polls[0]?.strategy} costs least (median ${polls[0]?.costRatio.toFixed(2)}x the cheapest) and ${dearest.strategy} most (${dearest.costRatio.toFixed(2)}x).`,
    );
  return [
    'Equal makespan: within 1% of the lowest makespan on that workload; cheapest at equal makespan: the lowest cost among those. The scenario workloads and the W7 graphs are counted apart and weigh equally in the pick.',
    '',
    ...lines,
    '',
    ...advice,
  ].join('\n');
}
