import { describe, expect, test } from 'vitest';
import { resultRow } from './fixtures/result-rows.ts';
import { mergeRows, mergeRuns, realJobsReport, type StoredRealJobsRun } from './real-jobs-report.ts';
import type { ResultRow } from './result-row.ts';

function row(over: Partial<ResultRow>): ResultRow {
  return resultRow({
    workload: 'W8',
    clock: 'real',
    makespanMs: 100_000,
    lowerBoundMs: 90_000,
    efficiency: 0.9,
    productiveTurns: 4,
    idleTurns: 2,
    ...over,
  });
}

function run(over: Partial<StoredRealJobsRun>): StoredRealJobsRun {
  return {
    runtime: 'node',
    strategy: 'inject',
    estimatedBoundMs: 95_000,
    jobs: [
      { id: 'install', state: 'completed', exitCode: 0, durationMs: 15_000 },
      { id: 'typecheck', state: 'completed', exitCode: 0, durationMs: 70_000 },
      { id: 'lint', state: 'completed', exitCode: 0, durationMs: 2_000 },
      { id: 'test', state: 'failed', exitCode: 1, durationMs: 60_000 },
    ],
    load: { before: 3.5, after: 4.25 },
    ...over,
  };
}

describe('the W8 report and its files', () => {
  test('merging keeps every other row and replaces the same runtime and strategy', () => {
    const virtual = row({ workload: 'W1', clock: 'virtual', strategy: 'inject' });
    const oldW8 = row({ makespanMs: 1 });
    const bunW8 = row({ runtime: 'bun' });
    const merged = mergeRows([virtual, oldW8, bunW8], [row({ makespanMs: 2 })]);
    expect(merged.map((r) => [r.workload, r.runtime, r.makespanMs])).toEqual([
      ['W1', 'node', 100_000],
      ['W8', 'bun', 100_000],
      ['W8', 'node', 2],
    ]);
    expect(() => mergeRows([{ workload: 'W1' }], [])).toThrow();
    expect(() => mergeRows({ not: 'an array' }, [])).toThrow();
    expect(
      mergeRuns([run({ strategy: 'block' }), run({})], [run({ estimatedBoundMs: 1 })]).map((r) => r.estimatedBoundMs),
    ).toEqual([95_000, 1]);
  });

  test('one table per runtime: makespan, block / strategy, measured bound, job times, load, outcome', () => {
    const rows = [
      row({ strategy: 'block', makespanMs: 200_000, efficiency: 0.45 }),
      row({ strategy: 'inject' }),
      row({ runtime: 'deno', strategy: 'inject', stopReason: 'max_turns' }),
      row({ workload: 'W1', clock: 'virtual' }),
    ];
    const md = realJobsReport(rows, [run({ strategy: 'block', jobs: run({}).jobs.slice(0, 3) }), run({})], { notes: ['note x'] });
    expect(md).toContain('note x');
    expect(md).toContain('## node');
    expect(md).toContain('## deno');
    expect(md).toContain('| block | 200.0 | 1.00x | 90.0 | 0.45 |');
    expect(md).toContain('| inject | 100.0 | 2.00x | 90.0 | 0.90 | 6 (0 / 2) | 0.0123 | 15.0 / 70.0 / 2.0 / 60.0 |');
    expect(md).toContain('| 3.50 / 4.25 | test failed |');
    expect(md).toContain('| stopped: max_turns |');
    expect(md).not.toContain('## W1');
    expect(md.match(/^\| (block|inject) \|/gm)).toHaveLength(3);
  });
});
