import { describe, expect, test } from 'vitest';
import { resultRow } from './fixtures/result-rows.ts';
import { missesText, peerMisses, peerTable } from './peer-report.ts';
import type { ResultRow } from './result-row.ts';

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
    inputTokens: 100,
    cacheWriteTokens: 9_000,
    cacheReadTokens: 40_000,
    costUsd,
    noticeLatencyP50Ms: null,
    noticeLatencyP95Ms: null,
    noticeLatencyMaxMs: null,
  });
}

describe('the peers beside bgtasks', () => {
  test('a miss is any longer makespan than a peer, or a higher cost at equal makespan; a faster or cheaper inject is none', () => {
    const rows = [
      row('W1', 'inject', 100, 0.05),
      row('W1', 'codex', 100.5, 0.04),
      row('W1', 'gemini-cli', 100, 0.2),
      row('W2', 'inject', 120, 0.05),
      row('W2', 'claude-code', 119.9, 0.06),
      row('W3', 'inject', 100, 0.05),
      row('W3', 'codex', 150, 0.01),
    ];
    const misses = peerMisses(rows);
    expect(misses.map((m) => [m.workload, m.peer, m.on])).toEqual([
      ['W1', 'codex', 'cost'],
      ['W2', 'claude-code', 'makespan'],
    ]);
    const text = missesText(misses);
    expect(text).toContain('W1: inject $0.0500 vs codex $0.0400 at equal makespan (+25.0% cost)');
    expect(text).toContain('W2: inject 120.0 s vs claude-code 119.9 s (+0.1% makespan)');
    expect(missesText(peerMisses(rows.filter((r) => r.workload === 'W3')))).toMatch(/^No misses/);
  });

  test('the table shows bgtasks best (cheapest at equal makespan of its own) beside every peer, W7 as one mean line', () => {
    const rows = [
      row('W1', 'block', 200, 0.01),
      row('W1', 'poll:bg_wait', 100, 0.06),
      row('W1', 'inject', 100, 0.05),
      row('W1', 'codex', 110, 0.04),
      row('W7-1', 'inject', 100, 0.05),
      row('W7-2', 'inject', 200, 0.07),
      row('W7-1', 'codex', 150, 0.04),
      row('W7-2', 'codex', 250, 0.04),
    ];
    const table = peerTable(rows) ?? '';
    expect(table).toContain('| W1 | bgtasks best: inject | 100.0 | 5 | 49.6k | 0.0500 |');
    expect(table).toContain('| W1 | codex | 110.0 | 5 | 49.6k | 0.0400 |');
    expect(table).toContain('| W7 mean of 2 | bgtasks best: inject | 150.0 | 5.0 | 49.6k | 0.0600 |');
    expect(table).toContain('| W7 mean of 2 | codex | 200.0 | 5.0 | 49.6k | 0.0400 |');
    expect(peerTable(rows.filter((r) => r.strategy !== 'codex'))).toBeNull();
  });
});
