// `bgtasks-agent --scenario dev-server` on this runtime under each --notify and --loop: the
// simulated model starts the server with a ready pattern, waits for it, runs e2e, kills it.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { commandFor } from './relaunch.ts';
import type { RunSummary } from './summary.ts';

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';
const env: Record<string, string> = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'bgtasks-cli-state-')), NO_COLOR: '1' };
const dropped = new Set(['ANTHROPIC_API_KEY', 'FORCE_COLOR']);
for (const [k, v] of Object.entries(createRuntime().env())) if (!dropped.has(k) && !(k in env)) env[k] = v;

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = commandFor(runtime, bin, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { env, timeout: 90_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

describe(`bgtasks-agent --scenario dev-server on ${runtime}`, () => {
  test('poll and inject, own loop and tool runner: e2e completes against the server, which is killed', {
    timeout: 180_000,
  }, async () => {
    const runs = await Promise.all(
      [
        ['--notify', 'inject'],
        ['--notify', 'poll'],
        ['--loop', 'tool-runner', '--notify', 'inject'],
        ['--loop', 'tool-runner', '--notify', 'poll'],
      ].map((args) => cli(['--scenario', 'dev-server', '--scale', '0.1', '--json', ...args])),
    );
    for (const r of runs) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout.trim()) as RunSummary;
      expect(summary.stopReason).toBe('end_turn');
      expect(summary.jobs.map((j) => [j.id, j.state]).sort()).toEqual([
        ['e2e', 'completed'],
        ['server', 'killed'],
      ]);
    }
  });

  test('block: the model explains that a foreground shell cannot keep a server up', { timeout: 90_000 }, async () => {
    const r = await cli(['--scenario', 'dev-server', '--notify', 'block', '--scale', '0.1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/server must keep running while other jobs use it/);
  });
});
