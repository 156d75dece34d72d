import { describe, expect, test } from 'vitest';
import { resultRow } from './fixtures/result-rows.ts';
import type { ResultRow } from './result-row.ts';
import { cheapestAtEqualMakespan, whatToChoose } from './what-to-choose.ts';

function row(workload: string, strategy: string, makespanS: number, costUsd: number): ResultRow {
  return resultRow({
    workload,
    strategy,
    systemTokens: 8_000,
    makespanMs: makespanS * 1000,
    lowerBoundMs: 90_000,
    efficiency: 90 / makespanS,
    turns: 5,
    productiveTurns: 5,
    inputTokens: 0,
    cacheWriteTokens: 9_000,
    cacheReadTokens: 40_000,
    costUsd,
    noticeLatencyP50Ms: null,
    noticeLatencyP95Ms: null,
    noticeLatencyMaxMs: null,
  });
}

describe('cheapest at equal makespan', () => {
  test('the cheapest among rows within 1% of the lowest makespan; a cheaper but slower row does not count', () => {
    const group = [row('W1', 'block', 200, 0.01), row('W1', 'poll:bg_wait', 100, 0.06), row('W1', 'inject', 100.9, 0.05)];
    expect(cheapestAtEqualMakespan(group)?.strategy).toBe('inject');
    expect(
      cheapestAtEqualMakespan(group.map((r) => (r.strategy === 'inject' ? { ...r, makespanMs: 101_100 } : r)))?.strategy,
    ).toBe('poll:bg_wait');
  });
});

describe('what to choose', () => {
  test('follows the rows: inject fastest and cheapest', () => {
    const rows = ['W1', 'W2', 'W3', 'W7-1'].flatMap((w) => [
      row(w, 'block', 200, 0.04),
      row(w, 'poll:every_turn', 100, 0.3),
      row(w, 'poll:bg_wait', 100, 0.06),
      row(w, 'inject', 100, 0.05),
    ]);
    const md = whatToChoose(rows);
    expect(md).toContain(
      '- **inject**: lowest makespan (within 1%) on 3 of 3 workloads and 1 of 1 W7 graphs; cheapest at equal makespan on 3 of 3 workloads and 1 of 1 W7 graphs; median cost 1.00x the cheapest at equal makespan.',
    );
    expect(md).toContain(
      '- **block**: lowest makespan (within 1%) on 0 of 3 workloads and 0 of 1 W7 graphs; cheapest at equal makespan on 0 of 3 workloads and 0 of 1 W7 graphs; elsewhere median 2.00x',
    );
    expect(md).toContain('**Choose inject**: the cheapest strategy at equal makespan on 3 of 3 workloads and 1 of 1 W7 graphs');
    expect(md).toContain('block was never within 1% of the lowest makespan (median 2.00x).');
    expect(md).toContain(
      'Among poll policies poll:bg_wait costs least (median 1.20x the cheapest) and poll:every_turn most (6.00x).',
    );
  });

  test('follows the rows: where poll:bg_wait is cheaper and block ties on short jobs, it says so', () => {
    const rows = [
      ...['W1', 'W2'].flatMap((w) => [
        row(w, 'block', 200, 0.04),
        row(w, 'poll:bg_wait', 100, 0.04),
        row(w, 'inject', 100.5, 0.05),
      ]),
      ...['W7-1', 'W7-2', 'W7-3'].flatMap((w) => [
        row(w, 'block', 50, 0.02),
        row(w, 'poll:bg_wait', 50.2, 0.03),
        row(w, 'inject', 60, 0.02),
      ]),
    ];
    const md = whatToChoose(rows);
    // block and poll:bg_wait each win half the pick (W1-W2 and the graphs weigh equally);
    // poll:bg_wait is at the lowest makespan more often, so it is the pick.
    expect(md).toContain(
      '**Choose poll:bg_wait**: the cheapest strategy at equal makespan on 2 of 2 workloads and 0 of 3 W7 graphs, within 1% of the lowest makespan on 2 of 2 workloads and 3 of 3 W7 graphs; next is block',
    );
    expect(md).toContain('block only where it ties the fastest: W7 (3 of 3 graphs); elsewhere median 2.00x slower.');
    expect(md).toContain('- **inject**: lowest makespan (within 1%) on 2 of 2 workloads and 0 of 3 W7 graphs;');
    expect(md).toContain('At equal makespan on: W1, W2.');
    expect(md).not.toContain('Choose inject');
  });

  test('a hundred graphs do not drown six workloads: the two kinds weigh equally', () => {
    const rows = [
      ...['W1', 'W2', 'W3'].flatMap((w) => [row(w, 'poll:bg_wait', 100, 0.06), row(w, 'inject', 100, 0.05)]),
      ...Array.from({ length: 8 }, (_, i) => `W7-${i + 1}`).flatMap((w, i) => [
        row(w, 'poll:bg_wait', 100, 0.05),
        row(w, 'inject', 100, i < 2 ? 0.04 : 0.06),
      ]),
    ];
    // Counted together poll:bg_wait would win (6 of 11 against 5). Weighed by kind: inject
    // 3 of 3 and 2 of 8 = 0.625; poll:bg_wait 0 of 3 and 6 of 8 = 0.375.
    expect(whatToChoose(rows)).toContain('**Choose inject**');
  });

  test('one strategy alone cannot be compared', () => {
    expect(whatToChoose([row('W1', 'inject', 100, 0.05)])).toBe('Not enough rows to compare strategies.');
  });
});
