// bgtasks-worker's command line as a subprocess on the runtime the suite runs on: --help lists
// every flag with its default, bad flags exit 2 with one line. Needs no Redis.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostRuntimeName } from '@bgtasks/runtime';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { describe, expect, test } from 'vitest';
import { spawnScript } from '../test-support/processes.ts';
import { deletePrefix, SHARED_REDIS, uniquePrefix } from '../test-support/redis.ts';
import { WORKER_FLAGS } from '../worker-flags.ts';

const scratch = mkdtempSync(join(tmpdir(), 'bgtasks-worker-flags-'));
const aFile = join(scratch, 'a-file');
writeFileSync(aFile, '');

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
    [
      'a --cwd-root that does not exist',
      ['--cwd-root', '/nonexistent'],
      /^bgtasks-worker: --cwd-root: "\/nonexistent" does not exist/,
    ],
    ['a --cwd-root naming a file', ['--cwd-root', aFile], /--cwd-root: ".*" is not a directory/],
    ['a --state-dir naming a file', ['--state-dir', aFile], /--state-dir: ".*" is a file, not a directory/],
    ['a --state-dir below a file', ['--state-dir', join(aFile, 'sub')], /--state-dir: ENOTDIR/],
    ['a --redis that is not a URL', ['--redis', 'not-a-url'], /--redis: not a Redis URL; expected redis:\/\//],
    ['a --redis of another scheme', ['--redis', 'http://127.0.0.1:6379'], /--redis: not a Redis URL/],
    ['an empty --queue', ['--queue', ''], /--queue: must not be empty/],
    ['a --queue with ":" (BullMQ refuses it)', ['--queue', 'a:b'], /--queue: "a:b" contains ":", which BullMQ refuses/],
    ['an empty --prefix', ['--prefix', ''], /--prefix: must not be empty/],
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

  test('--version prints the version and exits 0, like the other bins', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await run([flag]);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(/^bgtasks-worker \d+\.\d+\.\d+\n$/);
    }
  }, 70_000);

  test('an unreachable Redis is one line and the exit code --help gives for it', async () => {
    const help = (await run(['--help'])).stdout;
    expect(help).toContain('1 Redis unreachable at start');
    const r = await run(['--redis', 'redis://127.0.0.1:1', '--queue', 'unreachable']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^bgtasks-worker: Redis at redis:\/\/127\.0\.0\.1:1 is unreachable \(connect ECONNREFUSED/),
    ]);
  }, 70_000);

  test('SIGTERM stops the worker with the exit code its --help states', async () => {
    const help = (await run(['--help'])).stdout;
    const stated = /(\d+), \d+, \d+ stopped by SIGTERM, SIGINT, SIGHUP/.exec(help)?.[1];
    expect(stated).toBe('143');
    const prefix = uniquePrefix();
    const worker = spawnScript(bin, ['--redis', SHARED_REDIS, '--prefix', prefix, '--queue', 'sigterm']);
    try {
      await worker.line(/ready: queue sigterm/, 60_000);
      worker.child.kill('SIGTERM');
      const exit = await worker.exited;
      // Deno reports a process ended by a signal it re-raised as the signal itself.
      if ((globalThis as { Deno?: unknown }).Deno === undefined) expect(exit.code).toBe(Number(stated));
      else expect(exit.code === Number(stated) || exit.signal === 'SIGTERM').toBe(true);
    } finally {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await deletePrefix(SHARED_REDIS, prefix);
    }
  }, 90_000);
});
