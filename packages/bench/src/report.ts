/** The benchmark report: Markdown tables of the result rows, and the targets they meet or miss. */
import { missesText, peerMisses, peerTable } from './peer-report.ts';
import { isRandomGraph, w7Label, w7Section, w7Summaries } from './report-w7.ts';
import type { ResultRow } from './result-row.ts';
import { cheapestAtEqualMakespan } from './what-to-choose.ts';
import { W7_SUMMARY, WORKLOAD_FILES } from './workload.ts';

const s = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)}`);
const k = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n));

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** Rows of one clock, grouped by workload, in first-seen order. */
function byWorkload(rows: readonly ResultRow[]): Map<string, ResultRow[]> {
  const map = new Map<string, ResultRow[]>();
  for (const r of rows) map.set(r.workload, [...(map.get(r.workload) ?? []), r]);
  return map;
}

/** The per-workload tables of one clock; W7 graphs are left to the W7 section (and results.json). */
export function workloadTables(rows: readonly ResultRow[]): string {
  const out: string[] = [];
  for (const [workload, group] of byWorkload(rows.filter((r) => !isRandomGraph(r.workload)))) {
    out.push(`### ${workload} (lower bound ${s(group[0]?.lowerBoundMs ?? 0)} s)`);
    out.push('');
    out.push(
      table(
        [
          'strategy',
          'makespan s',
          'efficiency',
          'turns (poll / idle)',
          'input',
          'cache write',
          'cache read',
          'output',
          'cost $',
          'latency p50 / p95 s',
          'wasted polls',
        ],
        group.map((r) => [
          r.strategy,
          s(r.makespanMs),
          r.efficiency.toFixed(2),
          `${r.turns} (${r.pollTurns} / ${r.idleTurns})`,
          k(r.inputTokens),
          k(r.cacheWriteTokens),
          k(r.cacheReadTokens),
          k(r.outputTokens),
          r.costUsd.toFixed(4),
          `${s(r.noticeLatencyP50Ms)} / ${s(r.noticeLatencyP95Ms)}`,
          String(r.wastedPolls),
        ]),
      ),
    );
    out.push('');
  }
  return out.join('\n');
}

/** Efficiency (lower bound / makespan) per workload and strategy; W7 graphs as one line of means. */
export function efficiencyTable(rows: readonly ResultRow[]): string {
  const strategies = [...new Set(rows.map((r) => r.strategy))];
  const lines: string[][] = [];
  for (const [workload, group] of byWorkload(rows.filter((r) => !isRandomGraph(r.workload)))) {
    lines.push([workload, ...strategies.map((st) => group.find((r) => r.strategy === st)?.efficiency.toFixed(2) ?? '-')]);
  }
  const w7 = w7Summaries(rows);
  if (w7.length > 0)
    lines.push([w7Label(rows), ...strategies.map((st) => w7.find((x) => x.strategy === st)?.efficiency.mean.toFixed(2) ?? '-')]);
  return table(['workload', ...strategies], lines);
}

/**
 * Cost in US dollars per workload and strategy, and per workload the strategy that is cheapest
 * at equal makespan (lowest cost among those within 1% of the lowest makespan).
 */
export function costTable(rows: readonly ResultRow[]): string {
  const strategies = [...new Set(rows.map((r) => r.strategy))];
  const lines: string[][] = [];
  for (const [workload, group] of byWorkload(rows.filter((r) => !isRandomGraph(r.workload)))) {
    const pick = cheapestAtEqualMakespan(group);
    lines.push([
      workload,
      ...strategies.map((st) => group.find((r) => r.strategy === st)?.costUsd.toFixed(4) ?? '-'),
      pick ? `${pick.strategy} ($${pick.costUsd.toFixed(4)})` : '-',
    ]);
  }
  // W7: one line of mean costs, and how often each strategy was the pick over the graphs.
  const w7 = w7Summaries(rows);
  if (w7.length > 0) {
    const picks = new Map<string, number>();
    const graphs = [...byWorkload(rows.filter((r) => isRandomGraph(r.workload))).values()];
    for (const group of graphs) {
      const pick = cheapestAtEqualMakespan(group);
      if (pick) picks.set(pick.strategy, (picks.get(pick.strategy) ?? 0) + 1);
    }
    const counted = [...picks].sort((a, b) => b[1] - a[1]).map(([st, n]) => `${st} on ${n}`);
    lines.push([
      w7Label(rows),
      ...strategies.map((st) => w7.find((x) => x.strategy === st)?.meanCostUsd.toFixed(4) ?? '-'),
      counted.length > 0 ? `${counted.join(', ')} of ${graphs.length} graphs` : '-',
    ]);
  }
  return table(['workload', ...strategies, 'cheapest at equal makespan'], lines);
}

/** Virtual against real-time makespans for the rows that have both. */
export function realVsVirtualTable(rows: readonly ResultRow[]): string | null {
  const real = rows.filter((r) => r.clock === 'real');
  if (real.length === 0) return null;
  const lines = real.map((r) => {
    const v = rows.find((x) => x.clock === 'virtual' && x.workload === r.workload && x.strategy === r.strategy);
    const diff = v ? ((r.makespanMs - v.makespanMs) / v.makespanMs) * 100 : null;
    return [
      r.workload,
      r.strategy,
      v ? s(v.makespanMs) : '-',
      s(r.makespanMs),
      diff === null ? '-' : `${diff >= 0 ? '+' : ''}${diff.toFixed(1)}%`,
    ];
  });
  return table(['workload', 'strategy', 'virtual s', `real s (scale ${real[0]?.scale}, rescaled)`, 'difference'], lines);
}

/** What each workload of `rows` is (W1-W6 by their scenario, W7 once), as a Markdown table. */
export function workloadDefinitions(rows: readonly ResultRow[]): string {
  const ids = new Set(rows.map((r) => r.workload));
  const lines = ['| workload | what it is |', '| --- | --- |'];
  for (const w of WORKLOAD_FILES) if (ids.has(w.id)) lines.push(`| ${w.id} | ${w.summary} (\`${w.file}\`) |`);
  for (const id of ids)
    if (!isRandomGraph(id) && !WORKLOAD_FILES.some((w) => w.id === id)) lines.push(`| ${id} | a scenario file |`);
  const graphs = [...ids].filter(isRandomGraph).length;
  if (graphs > 0) lines.push(`| W7 | ${graphs} ${W7_SUMMARY} |`);
  return lines.join('\n');
}

/** The whole report as Markdown. */
export function markdownReport(
  rows: readonly ResultRow[],
  meta: { title: string; notes?: readonly string[]; charts?: readonly string[]; costNote?: string },
): string {
  const virtual = rows.filter((r) => r.clock === 'virtual');
  const real = rows.filter((r) => r.clock === 'real');
  const parts = [`# ${meta.title}`, '', ...(meta.notes ?? []).map((n) => `${n}`), ''];
  parts.push('## The workloads', '', workloadDefinitions(rows), '');
  if (virtual.length > 0) {
    parts.push('## Efficiency (lower bound / makespan), virtual time', '', efficiencyTable(virtual), '');
    parts.push(
      `## Cost per run in US dollars, virtual time${meta.costNote ? ` (${meta.costNote})` : ''}`,
      '',
      'Cheapest at equal makespan: among the strategies within 1% of the lowest makespan on that workload, the one that costs least.',
      '',
      costTable(virtual),
      '',
    );
  }
  const peers = peerTable(virtual);
  if (peers)
    parts.push(
      '## The peers beside bgtasks, virtual time',
      '',
      'Each peer is another agent\'s background-job mechanism reproduced as a strategy (docs/benchmark.md, "Peers"), driven by the same simulated model on the same workloads. bgtasks best: its own strategy that is cheapest at equal makespan. Tokens: all input and output.',
      '',
      peers,
      '',
      missesText(peerMisses(virtual)),
      '',
    );
  for (const chart of meta.charts ?? []) parts.push(`![${chart}](${chart})`, '');
  parts.push(w7Section(virtual) ?? '');
  if (virtual.length > 0) parts.push('## Per workload, virtual time', '', workloadTables(virtual));
  const rv = realVsVirtualTable(rows);
  if (rv)
    parts.push(
      '## Real time against virtual time',
      '',
      rv,
      '',
      '## Per workload, real time (rescaled)',
      '',
      workloadTables(real),
    );
  return `${parts.join('\n')}\n`;
}
