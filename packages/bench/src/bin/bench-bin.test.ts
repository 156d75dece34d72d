// `npm run bench` and its overhead entry as subprocesses: --help exits 0 with every flag and
// default, bad input exits 2 with one line (no stack trace).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hostRuntimeName } from '@bgtasks/runtime';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { describe, expect, test } from 'vitest';
import { BENCH_FLAGS } from '../cli-args.ts';

const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';
const bench = fileURLToPath(new URL('./bench.ts', import.meta.url));
const overhead = fileURLToPath(new URL('./overhead.ts', import.meta.url));

function run(script: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = runtimeCommand(runtime, script, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: number }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

describe.concurrent(`bench bins on ${runtime}`, () => {
  test('npm run bench -- --help lists every flag with its default', async () => {
    const r = await run(bench, ['--help']);
    expect(r.code).toBe(0);
    for (const [name, flag] of Object.entries(BENCH_FLAGS)) {
      expect(r.stdout).toContain(`--${name}`);
      if ('default' in flag) expect(r.stdout).toContain(`(default: ${flag.default})`);
    }
  });

  test.each([
    ['bench', ['--scale', 'abc'], bench, /^bench: --scale must be a number more than 0 and at most 1, got "abc"; see --help$/],
    ['bench', ['--random-graphs', 'NaN'], bench, /^bench: --random-graphs must be a whole number/],
    ['bench', ['--frobnicate'], bench, /^bench: Unknown option '--frobnicate'; see --help$/],
    ['bench:overhead', ['--runs', 'many'], overhead, /^bench:overhead: --runs must be a whole number at least 1/],
  ])('%s %j exits 2 with one line', async (_name, args, script, message) => {
    const r = await run(script, args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('the overhead entry has --help too', async () => {
    const r = await run(overhead, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--runs N\s+.*\(default: 200\)/);
  });
});
