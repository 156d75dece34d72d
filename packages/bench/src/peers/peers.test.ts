import { describe, expect, test } from 'vitest';
import { runBench } from '../run-bench.ts';
import { workloadFromText } from '../workload.ts';

const scenario = (jobs: string) => `
name: peers
prompt: Run the jobs.
jobs:
${jobs}
think: []
final:
  text: Done.
maxTurns: 1000
`;

const short = workloadFromText('short', scenario('  - id: lint\n    durationS: 4\n'));
const long = workloadFromText('long', scenario('  - id: build\n    durationS: 120\n'));

describe('the peers, driven by the simulated model on virtual time', () => {
  test('codex: a job ending within exec_command yield_time_ms comes back with its start, no wait and no poll turn', async () => {
    const [row] = await runBench({ workloads: [short], strategies: ['codex'], clock: 'virtual', runtimeName: 'test' });
    expect(row?.stopReason).toBe('end_turn');
    expect(row?.turns).toBe(2);
    expect(row?.pollTurns).toBe(0);
    expect(row?.makespanMs).toBeGreaterThanOrEqual(4_000);
  });

  test('codex: a job outliving the yield is waited on with write_stdin, each wait clamped to at most 300 s', async () => {
    const [row] = await runBench({ workloads: [long], strategies: ['codex'], clock: 'virtual', runtimeName: 'test' });
    expect(row?.stopReason).toBe('end_turn');
    expect(row?.pollTurns).toBeGreaterThan(0);
    expect(row?.makespanMs).toBeGreaterThanOrEqual(120_000);
  });

  test('claude-code: the end arrives between turns as a notification after an idle turn, never by polling', async () => {
    const [row] = await runBench({ workloads: [long], strategies: ['claude-code'], clock: 'virtual', runtimeName: 'test' });
    expect(row?.stopReason).toBe('end_turn');
    expect(row?.pollTurns).toBe(0);
    expect(row?.idleTurns).toBe(1);
    expect(row?.noticeLatencyP50Ms).not.toBeNull();
  });

  test('gemini-cli: no notice and no blocking wait, so the model polls every turn until the job is seen done', async () => {
    const [gemini, bgWait] = await runBench({
      workloads: [long],
      strategies: ['gemini-cli', 'poll:bg_wait'],
      clock: 'virtual',
      runtimeName: 'test',
    });
    expect(gemini?.stopReason).toBe('end_turn');
    expect(gemini?.pollTurns).toBeGreaterThan(bgWait?.pollTurns ?? 0);
    expect(gemini?.costUsd).toBeGreaterThan(bgWait?.costUsd ?? 0);
  });
});
