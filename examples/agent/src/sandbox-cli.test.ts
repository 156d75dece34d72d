// bgtasks-agent --sandbox end to end, as a subprocess on the runtime the suite runs on: the
// simulated model's job runs in the OS sandbox (its cwd writable, the rest not), and the notice
// the model gets says what was blocked.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { commandFor } from './relaunch.ts';

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';

function cli(args: readonly string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = commandFor(runtime, bin, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

describe(`bgtasks-agent --sandbox on ${runtime}`, () => {
  test("runs the model's job sandboxed and the model is told what was blocked", async () => {
    // Not under /tmp: the sandbox's /tmp is private, so a write there would not reach the host.
    const dir = mkdtempSync('/var/tmp/bgtasks-cli-sandbox-');
    try {
      const cwd = join(dir, 'work');
      mkdirSync(cwd);
      const env: Record<string, string> = { ...createRuntime().env(), XDG_STATE_HOME: join(dir, 'state'), NO_COLOR: '1' };
      delete env.ANTHROPIC_API_KEY;
      delete env.FORCE_COLOR;
      const scenario = join(dir, 'sbx.yaml');
      writeFileSync(
        scenario,
        `name: sbx\nprompt: run it\njobs:\n  - id: sbx\n    durationS: 1\n    command: "echo in > inside.txt; echo out > ${dir}/outside.txt"\nfinal:\n  text: done\n`,
      );
      const transcript = join(dir, 'run.jsonl');
      const r = await cli(
        ['--scenario', scenario, '--scale', '0.05', '--sandbox', '--cwd', cwd, '--transcript', transcript],
        env,
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(readFileSync(join(cwd, 'inside.txt'), 'utf8')).toBe('in\n');
      expect(existsSync(join(dir, 'outside.txt'))).toBe(false);
      expect(readFileSync(transcript, 'utf8')).toMatch(/sandbox: blocked: a write outside the allowed paths/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('a --sandbox-* flag without --sandbox exits 2 with one line', async () => {
    const r = await cli(['--sandbox-port', '80'], { ...createRuntime().env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('bgtasks-agent: --sandbox-port needs --sandbox; see --help\n');
  }, 60_000);
});
