import { readFileSync } from 'node:fs';
import { BENCH_STRATEGIES } from './bench-strategy.ts';
import { runWorkload } from './run-workload.ts';
import { workloadFromText } from './workload.ts';

for (const [id, f] of [
  ['W2', 'w2-chain.yaml'],
  ['W4', 'w4-job-bound.yaml'],
]) {
  const w = workloadFromText(id, readFileSync(`packages/bench/workloads/${f}`, 'utf8'));
  for (const st of [0, 8000])
    for (const s of BENCH_STRATEGIES) {
      const r = await runWorkload({ workload: w, strategy: s, runtimeName: 'node', systemTokens: st });
      console.log(
        id,
        st,
        s.padEnd(16),
        r.makespanMs,
        r.turns,
        'in',
        r.inputTokens,
        'cw',
        r.cacheWriteTokens,
        'cr',
        r.cacheReadTokens,
        'out',
        r.outputTokens,
        '$',
        r.costUsd,
      );
    }
}
