import { createRuntime } from '@bgtasks/runtime';
import { describe, expect, it } from 'vitest';
import { rawSpawnForHost } from './bin/raw-spawn.ts';
import { measureOverhead } from './overhead.ts';

describe('measureOverhead', () => {
  it('runs both sides once per round with real processes and reports the samples it measured', async () => {
    const rounds: number[] = [];
    let rawCalls = 0;
    const raw = rawSpawnForHost();
    const result = await measureOverhead({
      runtime: createRuntime(),
      rawSpawn: (command, env) => {
        rawCalls++;
        expect(command).toBe('true');
        return raw(command, env);
      },
      runs: 4,
      warmup: 2,
      version: 'test',
      onRound: (done) => rounds.push(done),
    });
    expect(rawCalls).toBe(6);
    expect(rounds).toEqual([1, 2, 3, 4, 5, 6]);
    expect(result).toMatchObject({ runtime: createRuntime().name, version: 'test', command: 'true', warmup: 2, runs: 4 });
    expect(result.samples.rawMs).toHaveLength(4);
    expect(result.samples.executorMs).toHaveLength(4);
    expect(result.ratioP50).toBeCloseTo(result.executorP50Ms / result.rawP50Ms);
    expect(result.ratioP95).toBeCloseTo(result.executorP95Ms / result.rawP95Ms);
    expect(result.samples.executorMs).toContain(result.executorP50Ms);
  });

  it('fails loudly when a job does not complete, instead of timing a failure', async () => {
    await expect(
      measureOverhead({ runtime: createRuntime(), rawSpawn: rawSpawnForHost(), command: 'exit 3', runs: 1, warmup: 0 }),
    ).rejects.toThrow(/to complete, got .* failed/);
  });
});
