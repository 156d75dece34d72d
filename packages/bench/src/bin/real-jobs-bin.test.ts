// `npm run bench:real-jobs` as a subprocess: --help, one-line usage errors (exit 2), and Ctrl-C in
// the middle of a real run (the jobs are stopped and the temporary copy is removed); and the copy.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostRuntimeName } from '@bgtasks/runtime';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { describe, expect, test } from 'vitest';
import { REAL_JOBS_FLAGS } from '../real-jobs-args.ts';
import { makeRepoCopy, removeRepoCopy } from './repo-copy.ts';

const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';
const bin = fileURLToPath(new URL('./real-jobs.ts', import.meta.url));
const root = fileURLToPath(new URL('../../../../', import.meta.url));

function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = runtimeCommand(runtime, bin, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: number }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

describe(`bench:real-jobs on ${runtime}`, () => {
  test('--help lists every flag with its default', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const [name, flag] of Object.entries(REAL_JOBS_FLAGS)) {
      expect(r.stdout).toContain(`--${name}`);
      if ('default' in flag) expect(r.stdout).toContain(`(default: ${flag.default})`);
    }
  });

  test.each([
    [['--strategies', 'sometimes'], /^bench:real-jobs: --strategies must be one of block, /],
    [['--copy', '/nonexistent/bgtasks-copy'], /^bench:real-jobs: --copy \/nonexistent\/bgtasks-copy has no package-lock.json/],
  ])('%j exits 2 with one line', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('an --out whose results.json holds something else exits 2 before any run', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bgtasks-w8-out-'));
    try {
      writeFileSync(join(out, 'results.json'), '{"not":"rows"}');
      const r = await run(['--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        `bench:real-jobs: --out ${out}: results.json there is not a list of rows this command can add to; pick another --out`,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('the copy is HEAD of this repository, and removing it leaves nothing', () => {
    const { dir, commit } = makeRepoCopy(root);
    try {
      expect(dir.startsWith(tmpdir())).toBe(true);
      expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(readFileSync(join(root, 'package-lock.json'), 'utf8'));
      expect(readFileSync(join(dir, '.git', 'HEAD'), 'utf8').trim()).toBe(commit);
    } finally {
      removeRepoCopy(dir);
    }
    expect(existsSync(dir)).toBe(false);
  });

  test('SIGINT during a run stops it (exit 130) and removes the copy', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bgtasks-w8-out-'));
    try {
      const [cmd, argv] = runtimeCommand(runtime, bin, ['--out', out, '--strategies', 'inject']);
      const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let interrupted = false;
      const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          // Interrupt once the run is under way (the model's first turn, or the install).
          if (!interrupted && stderr.includes('W8 on ')) {
            interrupted = true;
            setTimeout(() => child.kill('SIGINT'), 3_000);
          }
        });
        child.on('exit', (code, signal) => resolve({ code, signal }));
      });
      const copy = /copy of HEAD \w+ in (\S+)/.exec(stderr)?.[1];
      expect(copy, stderr).toBeDefined();
      expect(stderr).toContain('W8: stopped by SIGINT; copy removed');
      // Deno's node:child_process reports a child it sent SIGINT to as killed by it, whatever
      // the child's exit code (130 when run from a shell or from Node and Bun).
      if (runtime === 'deno') expect(exit.code === 130 || exit.signal === 'SIGINT', JSON.stringify(exit)).toBe(true);
      else expect(exit, stderr).toEqual({ code: 130, signal: null });
      expect(existsSync(copy!)).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
