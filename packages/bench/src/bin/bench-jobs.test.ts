// `npm run bench --jobs N` as subprocesses on the host runtime: the rows of N worker processes
// equal the rows of one process, in the same order, to the last field.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostRuntimeName } from '@bgtasks/runtime';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { afterAll, describe, expect, test } from 'vitest';
import { resultRowSchema } from '../result-row-schema.ts';

const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';
const bench = fileURLToPath(new URL('./bench.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bench-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bench_(out: string, jobs: number): Promise<{ code: number; stderr: string; rows: unknown[] }> {
  const args = ['--out', join(dir, out), '--workloads', 'W1,W6,W7-1,W7-2', '--strategies', 'block,poll:every_turn,inject'];
  const [cmd, argv] = runtimeCommand(runtime, bench, [...args, '--jobs', String(jobs)]);
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: 110_000 }, (error, _stdout, stderr) => {
      const code = error ? (error as { code?: number }).code : 0;
      const rows = code === 0 ? (JSON.parse(readFileSync(join(dir, out, 'results.json'), 'utf8')) as unknown[]) : [];
      resolve({ code: typeof code === 'number' ? code : 1, stderr, rows });
    });
  });
}

describe(`bench --jobs on ${runtime}`, () => {
  test('three worker processes give the rows of one process, in the same order', { timeout: 120_000 }, async () => {
    const serial = await bench_('serial', 1);
    const parallel = await bench_('parallel', 3);
    expect(serial.code, serial.stderr).toBe(0);
    expect(parallel.code, parallel.stderr).toBe(0);
    expect(serial.stderr).toMatch(/virtual suite: 12 runs in .* in one process/);
    expect(parallel.stderr).toMatch(/virtual suite: 12 runs in .* 3 worker processes/);
    expect(serial.rows.map((r) => resultRowSchema.parse(r))).toHaveLength(12);
    expect(parallel.rows).toEqual(serial.rows);
    expect(parallel.rows.map((r) => (r as { workload: string }).workload)).toEqual(
      ['W1', 'W6', 'W7-1', 'W7-2'].flatMap((w) => [w, w, w]),
    );
  });
});
