/**
 * The peers in the report: per workload (and over the W7 graphs) each peer's makespan, turns,
 * tokens and cost beside bgtasks' best, and every workload where bgtasks' default strategy is
 * worse than a peer (a "miss").
 */
import { isPeer } from './bench-strategy.ts';
import { isRandomGraph, w7Label, w7Summaries } from './report-w7.ts';
import type { ResultRow } from './result-row.ts';
import { cheapestAtEqualMakespan, EQUAL_MAKESPAN_TOLERANCE } from './what-to-choose.ts';

/** bgtasks' default strategy: the one the misses are counted against. */
export const DEFAULT_BENCH_STRATEGY = 'inject';

/** One workload where the default strategy is worse than a peer. */
export interface PeerMiss {
  workload: string;
  peer: string;
  /** `makespan`: the peer finished sooner; `cost`: equal makespan (within 1%), the peer cost less. */
  on: 'makespan' | 'cost';
  ours: ResultRow;
  theirs: ResultRow;
}

const s = (ms: number): string => (ms / 1000).toFixed(1);
const tokens = (r: { inputTokens: number; cacheWriteTokens: number; cacheReadTokens: number; outputTokens: number }) =>
  r.inputTokens + r.cacheWriteTokens + r.cacheReadTokens + r.outputTokens;
const k = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(Math.round(n)));

function byWorkload(rows: readonly ResultRow[]): Map<string, ResultRow[]> {
  const map = new Map<string, ResultRow[]>();
  for (const r of rows) map.set(r.workload, [...(map.get(r.workload) ?? []), r]);
  return map;
}

/**
 * Every workload where {@link DEFAULT_BENCH_STRATEGY} is worse than a peer: any longer makespan
 * than the peer's, or, at equal makespan (no more than 1% shorter), a higher cost. Workloads without both rows
 * are skipped.
 */
export function peerMisses(rows: readonly ResultRow[], ours: string = DEFAULT_BENCH_STRATEGY): PeerMiss[] {
  const misses: PeerMiss[] = [];
  for (const [workload, group] of byWorkload(rows)) {
    const own = group.find((r) => r.strategy === ours);
    if (!own) continue;
    for (const theirs of group.filter((r) => isPeer(r.strategy))) {
      if (own.makespanMs > theirs.makespanMs) misses.push({ workload, peer: theirs.strategy, on: 'makespan', ours: own, theirs });
      else if (own.makespanMs >= theirs.makespanMs * (1 - EQUAL_MAKESPAN_TOLERANCE) && own.costUsd > theirs.costUsd)
        misses.push({ workload, peer: theirs.strategy, on: 'cost', ours: own, theirs });
    }
  }
  return misses;
}

/** One line per miss, for the console and the report; says so when there is none. */
export function missesText(misses: readonly PeerMiss[], ours: string = DEFAULT_BENCH_STRATEGY): string {
  if (misses.length === 0)
    return `No misses: ${ours} is no slower than any peer on any workload, and no dearer at equal makespan.`;
  const lines = misses.map((m) =>
    m.on === 'makespan'
      ? `- ${m.workload}: ${ours} ${s(m.ours.makespanMs)} s vs ${m.peer} ${s(m.theirs.makespanMs)} s (+${(((m.ours.makespanMs - m.theirs.makespanMs) / m.theirs.makespanMs) * 100).toFixed(1)}% makespan)`
      : `- ${m.workload}: ${ours} $${m.ours.costUsd.toFixed(4)} vs ${m.peer} $${m.theirs.costUsd.toFixed(4)} at equal makespan (+${(((m.ours.costUsd - m.theirs.costUsd) / m.theirs.costUsd) * 100).toFixed(1)}% cost)`,
  );
  return [`Misses of ${ours} against the peers (${misses.length}):`, ...lines].join('\n');
}

/**
 * Per workload W1-W6 and the W7 mean: bgtasks' best (cheapest at equal makespan among its own
 * strategies) and each peer, with makespan, turns, all tokens and cost. Null without peer rows.
 */
export function peerTable(rows: readonly ResultRow[]): string | null {
  const peers = [...new Set(rows.map((r) => r.strategy).filter(isPeer))];
  if (peers.length === 0) return null;
  const header = ['workload', 'strategy', 'makespan s', 'turns', 'tokens', 'cost $'];
  const lines: string[][] = [];
  for (const [workload, group] of byWorkload(rows.filter((r) => !isRandomGraph(r.workload)))) {
    const best = cheapestAtEqualMakespan(group.filter((r) => !isPeer(r.strategy)));
    const shown = [...(best ? [best] : []), ...group.filter((r) => isPeer(r.strategy))];
    for (const r of shown)
      lines.push([
        workload,
        r === best ? `bgtasks best: ${r.strategy}` : r.strategy,
        s(r.makespanMs),
        String(r.turns),
        k(tokens(r)),
        r.costUsd.toFixed(4),
      ]);
  }
  const w7 = w7Summaries(rows);
  if (w7.length > 0) {
    const graphs = rows.filter((r) => isRandomGraph(r.workload));
    const meanTokens = (st: string) => {
      const own = graphs.filter((r) => r.strategy === st);
      return own.reduce((sum, r) => sum + tokens(r), 0) / Math.max(1, own.length);
    };
    const own = w7.filter((x) => !isPeer(x.strategy));
    const best = [...own].sort((a, b) => a.meanMakespanMs - b.meanMakespanMs || a.meanCostUsd - b.meanCostUsd)[0];
    for (const x of [...(best ? [best] : []), ...w7.filter((x) => isPeer(x.strategy))])
      lines.push([
        w7Label(rows),
        x === best ? `bgtasks best: ${x.strategy}` : x.strategy,
        s(x.meanMakespanMs),
        x.meanTurns.toFixed(1),
        k(meanTokens(x.strategy)),
        x.meanCostUsd.toFixed(4),
      ]);
  }
  const align = header.map((_, i) => (i < 2 ? '---' : '---:'));
  return [header, align, ...lines].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
