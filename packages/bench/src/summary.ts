/**
 * The summary of a benchmark: per workload the lower bound, block, the best poll policy and
 * inject side by side, and the targets with the measured figures (met or missed).
 */
import { isRandomGraph, w7Label, w7Summaries } from './report-w7.ts';
import type { ResultRow } from './result-row.ts';

const s = (ms: number) => (ms / 1000).toFixed(1);
/** Every input token the model read: uncached, cache writes and cache reads. */
export const totalInput = (r: ResultRow) => r.inputTokens + r.cacheWriteTokens + r.cacheReadTokens;

/** The poll row with the lowest makespan (fewer turns on a tie). */
export function bestPoll(rows: readonly ResultRow[]): ResultRow | undefined {
  return rows.filter((r) => r.strategy.startsWith('poll')).sort((a, b) => a.makespanMs - b.makespanMs || a.turns - b.turns)[0];
}

function groups(rows: readonly ResultRow[]): Map<string, ResultRow[]> {
  const map = new Map<string, ResultRow[]>();
  for (const r of rows) map.set(r.workload, [...(map.get(r.workload) ?? []), r]);
  return map;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The summary table (virtual rows): one line per workload, and the mean of W7. */
export function summaryTable(rows: readonly ResultRow[]): string {
  const header = [
    'workload',
    'lower bound s',
    'block s',
    'best poll s',
    'inject s',
    'inject efficiency',
    'block / inject',
    'turns inject / best poll',
    'input tokens inject / best poll',
  ];
  const lines = [header, header.map((_, i) => (i === 0 ? '---' : '---:'))];
  for (const [workload, group] of groups(rows.filter((r) => !isRandomGraph(r.workload)))) {
    const block = group.find((r) => r.strategy === 'block');
    const inject = group.find((r) => r.strategy === 'inject');
    const poll = bestPoll(group);
    lines.push([
      workload,
      s(group[0]?.lowerBoundMs ?? 0),
      block ? s(block.makespanMs) : '-',
      poll ? `${s(poll.makespanMs)} (${poll.strategy.slice(5)})` : '-',
      inject ? s(inject.makespanMs) : '-',
      inject ? inject.efficiency.toFixed(2) : '-',
      block && inject ? `${(block.makespanMs / inject.makespanMs).toFixed(2)}x` : '-',
      inject && poll ? `${inject.turns} / ${poll.turns}` : '-',
      inject && poll ? `${totalInput(inject)} / ${totalInput(poll)}` : '-',
    ]);
  }
  const w7 = w7SummaryLine(rows);
  if (w7) lines.push(w7);
  return lines.map((l) => `| ${l.join(' | ')} |`).join('\n');
}

/** The W7 graphs as one line of the summary table: means per strategy (see report-w7.ts). */
function w7SummaryLine(rows: readonly ResultRow[]): string[] | undefined {
  const w7 = w7Summaries(rows);
  if (w7.length === 0) return undefined;
  const block = w7.find((x) => x.strategy === 'block');
  const inject = w7.find((x) => x.strategy === 'inject');
  const poll = w7
    .filter((x) => x.strategy.startsWith('poll'))
    .sort((a, b) => a.meanMakespanMs - b.meanMakespanMs || a.meanTurns - b.meanTurns)[0];
  const ci = inject?.efficiency;
  return [
    w7Label(rows),
    s(w7[0]?.meanLowerBoundMs ?? 0),
    block ? s(block.meanMakespanMs) : '-',
    poll ? `${s(poll.meanMakespanMs)} (${poll.strategy.slice(5)})` : '-',
    inject ? s(inject.meanMakespanMs) : '-',
    ci ? `${ci.mean.toFixed(2)} (95% CI ${ci.low.toFixed(3)}-${ci.high.toFixed(3)})` : '-',
    block && inject ? `${(block.meanMakespanMs / inject.meanMakespanMs).toFixed(2)}x` : '-',
    inject && poll ? `${inject.meanTurns.toFixed(1)} / ${poll.meanTurns.toFixed(1)}` : '-',
    inject && poll ? `${Math.round(inject.meanInputTokens)} / ${Math.round(poll.meanInputTokens)}` : '-',
  ];
}

/** One target of the issue, with what was measured. */
export interface TargetCheck {
  target: string;
  met: boolean;
  measured: string;
}

/** The targets, checked against the rows (virtual and, when present, real). */
export function checkTargets(rows: readonly ResultRow[], meta: { virtualWallMs?: number } = {}): TargetCheck[] {
  const virtual = rows.filter((r) => r.clock === 'virtual');
  const byWorkload = groups(virtual);
  const inject = (w: string) => byWorkload.get(w)?.find((r) => r.strategy === 'inject');
  const out: TargetCheck[] = [];

  const core = ['W1', 'W2', 'W3', 'W4', 'W5'].flatMap((w) => {
    const r = inject(w);
    return r ? [r] : [];
  });
  if (core.length > 0)
    out.push({
      target: 'inject efficiency >= 0.95 on W1-W5',
      met: core.every((r) => r.efficiency >= 0.95),
      measured: core.map((r) => `${r.workload} ${r.efficiency.toFixed(3)}`).join(', '),
    });
  const w7 = [...byWorkload.keys()].filter((w) => w.startsWith('W7')).flatMap((w) => inject(w) ?? []);
  if (w7.length > 0) {
    const m = mean(w7.map((r) => r.efficiency));
    out.push({
      target: 'inject efficiency >= 0.90 on the W7 mean',
      met: m >= 0.9,
      measured: `mean ${m.toFixed(3)} over ${w7.length}`,
    });
  }
  const speed: string[] = [];
  let speedMet = true;
  for (const [w, group] of byWorkload) {
    const block = group.find((r) => r.strategy === 'block');
    const i = inject(w);
    if (!block || !i || block.makespanMs / block.lowerBoundMs < 1.6) continue;
    const x = block.makespanMs / i.makespanMs;
    speedMet &&= x >= 1.6;
    speed.push(`${w} ${x.toFixed(2)}x`);
  }
  out.push({
    target: 'inject beats block by >= 1.6x on makespan where block / lower bound >= 1.6',
    met: speedMet,
    measured: speed.length > 0 ? speed.join(', ') : 'no workload where the bound allows 1.6x',
  });
  const lean: string[] = [];
  let leanMet = true;
  for (const w of ['W1', 'W3', 'W4']) {
    const i = inject(w);
    const p = bestPoll(byWorkload.get(w) ?? []);
    if (!i || !p) continue;
    const ok = i.turns < p.turns && totalInput(i) < totalInput(p) && i.makespanMs <= p.makespanMs * 1.001;
    leanMet &&= ok;
    lean.push(
      `${w}: turns ${i.turns} vs ${p.turns}, input ${totalInput(i)} vs ${totalInput(p)}, makespan ${s(i.makespanMs)} vs ${s(p.makespanMs)} s (${p.strategy})`,
    );
  }
  if (lean.length > 0)
    out.push({
      target: 'inject: fewer turns and fewer input tokens than the best poll policy on W1, W3, W4, at equal or lower makespan',
      met: leanMet,
      measured: lean.join('; '),
    });
  const real = rows.filter((r) => r.clock === 'real');
  if (real.length > 0) {
    const diffs = real.flatMap((r) => {
      const v = virtual.find((x) => x.workload === r.workload && x.strategy === r.strategy);
      return v ? [{ r, d: Math.abs(r.makespanMs - v.makespanMs) / v.makespanMs }] : [];
    });
    const worst = diffs.sort((a, b) => b.d - a.d)[0];
    out.push({
      target: `virtual and real makespans agree within 10% (scale ${real[0]?.scale})`,
      met: diffs.every((x) => x.d <= 0.1),
      measured: worst
        ? `largest difference ${(worst.d * 100).toFixed(1)}% (${worst.r.workload} ${worst.r.strategy}); ${diffs.filter((x) => x.d > 0.1).length} of ${diffs.length} runs over 10%`
        : '-',
    });
  }
  if (meta.virtualWallMs !== undefined)
    out.push({
      target: 'the virtual suite runs in under 60 s',
      met: meta.virtualWallMs < 60_000,
      measured: `${(meta.virtualWallMs / 1000).toFixed(1)} s wall on ${virtual[0]?.runtime ?? '?'}`,
    });
  return out;
}

/** The targets as a Markdown list. */
export function targetsMarkdown(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `- **${c.met ? 'met' : 'missed'}**: ${c.target}. Measured: ${c.measured}.`).join('\n');
}
