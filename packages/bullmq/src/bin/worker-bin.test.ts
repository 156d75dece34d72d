// bgtasks-worker's command line as a subprocess on the runtime the suite runs on: --help lists
// every flag with its default, bad flags exit 2 with one line. Needs no Redis.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hostRuntimeName } from '@bgtasks/runtime';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { describe, expect, test } from 'vitest';
import { WORKER_FLAGS } from '../worker-flags.ts';

const bin = fileURLToPath(new URL('./worker.ts', import.meta.url));
const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';

function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = runtimeCommand(runtime, bin, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

describe.concurrent(`bgtasks-worker flags on ${runtime}`, () => {
  test('--help exits 0 and lists every flag with its default', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const [name, flag] of Object.entries(WORKER_FLAGS)) {
      expect(r.stdout).toContain(`--${name}`);
      if ('default' in flag) expect(r.stdout).toMatch(new RegExp(`--${name}[^]*?\\(default: `));
    }
    expect(r.stdout.match(/\(default: /g)?.length).toBe(Object.values(WORKER_FLAGS).filter((f) => 'default' in f).length);
  }, 70_000);

  test.each([
    ['an unknown flag', ['--frobnicate'], /Unknown option '--frobnicate'; see --help/],
    ['a --concurrency that is not a number', ['--concurrency', 'lots'], /--concurrency must be a whole number at least 1/],
    ['a --concurrency of 0', ['--concurrency', '0'], /--concurrency must be a whole number at least 1/],
    ['a fractional --lock-duration-ms', ['--lock-duration-ms', '2.5'], /--lock-duration-ms must be a whole number/],
    ['a positional argument', ['start'], /Unexpected argument 'start'/],
  ])(
    '%s exits 2 with one line',
    async (_name, args, message) => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    },
    70_000,
  );
});
