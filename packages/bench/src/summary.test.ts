import { describe, expect, test } from 'vitest';
import { resultRow } from './fixtures/result-rows.ts';
import type { ResultRow } from './result-row.ts';
import { checkTargets, summaryTable, targetsMarkdown } from './summary.ts';

function row(workload: string, strategy: string, over: Partial<ResultRow> = {}): ResultRow {
  return resultRow({
    workload,
    strategy,
    systemTokens: 8_000,
    makespanMs: 100_000,
    lowerBoundMs: 97_000,
    efficiency: 0.97,
    turns: 5,
    productiveTurns: 5,
    inputTokens: 0,
    cacheWriteTokens: 9_000,
    cacheReadTokens: 40_000,
    costUsd: 0.05,
    noticeLatencyP50Ms: 1_000,
    noticeLatencyP95Ms: 2_000,
    noticeLatencyMaxMs: 2_000,
    ...over,
  });
}

/** A workload where inject, poll:bg_wait, poll:every_turn and block ran. */
function workload(w: string, inject: Partial<ResultRow> = {}, polls: Partial<ResultRow> = {}): ResultRow[] {
  return [
    row(w, 'block', { makespanMs: 200_000, efficiency: 0.485, costUsd: 0.04 }),
    row(w, 'poll:every_turn', { makespanMs: 100_000, costUsd: 0.3, turns: 50, ...polls }),
    row(w, 'poll:bg_wait', { makespanMs: 101_000, costUsd: 0.06, ...polls }),
    row(w, 'inject', inject),
  ];
}

const byTarget = (rows: ResultRow[], meta = {}) =>
  new Map(checkTargets(rows, meta).map((c) => [c.target.split(' ').slice(0, 3).join(' '), c]));

describe('the restated targets', () => {
  test('all met: each printed as met with its figures', () => {
    const rows = [
      ...['W1', 'W2', 'W3', 'W4', 'W5'].flatMap((w) => workload(w)),
      ...[0.93, 0.95, 0.94].flatMap((e, i) => workload(`W7-${i + 1}`, { efficiency: e })),
    ];
    const checks = checkTargets(rows, { virtualWallMs: 12_000 });
    expect(checks.map((c) => [c.target, c.met])).toEqual([
      ['inject efficiency >= 0.95 on W1-W5', true],
      ['inject mean efficiency >= 0.92 on W7', true],
      ["inject makespan <= the best poll policy's + 1% on every workload", true],
      [
        "inject cost <= the cheapest poll policy's cost on every workload, at a realistic prompt size (system prompt >= 1024 tokens)",
        true,
      ],
      ['inject beats block by >= 1.6x on makespan where block / lower bound >= 1.6', true],
      ['the virtual suite runs in under 60 s', true],
    ]);
    const md = targetsMarkdown(checks);
    // W7: the mean and its t interval (0.94 +- 4.303 x 0.01 / sqrt(3)).
    expect(md).toContain('mean 0.940 (95% CI 0.915-0.965) over 3 graphs');
    expect(md).toContain('8 of 8 workloads within; worst W1 +0.0% (100.0 vs 100.0 s, poll:every_turn)');
    expect(md).toContain('worst W1 -16.7% ($0.0500 vs $0.0600, poll:bg_wait)');
  });

  test('missed targets stay printed as missed, with the figure that misses', () => {
    const rows = [
      ...workload('W1', { efficiency: 0.94 }),
      ...workload('W2', { makespanMs: 102_000, costUsd: 0.07 }),
      ...workload('W7-1', { efficiency: 0.9 }),
      ...workload('W7-2', { efficiency: 0.92 }),
    ];
    const t = byTarget(rows, { virtualWallMs: 61_000 });
    expect(t.get('inject efficiency >=')).toMatchObject({ met: false, measured: 'W1 0.940, W2 0.970' });
    expect(t.get('inject mean efficiency')).toMatchObject({ met: false });
    expect(t.get('inject mean efficiency')?.measured).toMatch(/^mean 0\.910 \(95% CI 0\.783-1\.037\) over 2 graphs$/);
    expect(t.get('inject makespan <=')).toMatchObject({ met: false });
    expect(t.get('inject makespan <=')?.measured).toContain('over: W2 +2.0%');
    expect(t.get('inject cost <=')?.measured).toContain('dearer: W2 +16.7%');
    expect(t.get('the virtual suite')).toMatchObject({ met: false, measured: '61.0 s wall on node' });
  });

  test('a long list of misses is cut after eight', () => {
    const rows = Array.from({ length: 10 }, (_, i) => workload(`W7-${i + 1}`, { makespanMs: 103_000 })).flat();
    expect(byTarget(rows).get('inject makespan <=')?.measured).toMatch(/over: W7-1 \+3\.0%, .*W7-8 \+3\.0% and 2 more$/);
  });

  test('the cost target is not met at a prompt size no real agent sends', () => {
    const rows = workload('W1', {}, {}).map((r) => ({ ...r, systemTokens: 22 }));
    const cost = byTarget(rows).get('inject cost <=');
    expect(cost?.met).toBe(false);
    expect(cost?.measured).toMatch(/^not at a realistic size: system prompt 22 tokens; 1 of 1 workloads within/);
  });

  test('inject vs block counts only where block / lower bound allows 1.6x', () => {
    const rows = [
      ...workload('W1', { makespanMs: 130_000 }),
      // block near the bound: 1.6x is impossible, so W5 is not counted.
      ...workload('W5').map((r) => (r.strategy === 'block' ? { ...r, makespanMs: 120_000 } : r)),
    ];
    expect(byTarget(rows).get('inject beats block')).toMatchObject({ met: false, measured: 'W1 1.54x' });
  });

  test('the summary table shows inject against the cheapest poll policy on cost', () => {
    expect(summaryTable(workload('W1'))).toContain('| 0.0500 / 0.0600 (bg_wait) |');
  });
});
