// --backend bullmq as a subprocess, on the runtime the suite runs on: with no worker it says so
// and exits 2 within seconds; with --workers 2 it runs the default scenario on worker processes.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { commandFor } from './relaunch.ts';
import type { RunSummary } from './summary.ts';

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';
const env: Record<string, string> = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'bgtasks-cli-state-')), NO_COLOR: '1' };
for (const [k, v] of Object.entries(createRuntime().env())) if (k !== 'ANTHROPIC_API_KEY' && !(k in env)) env[k] = v;
const queues: string[] = [];

function queueName(): string {
  const q = `cli-test-${crypto.randomUUID().slice(0, 12)}`;
  queues.push(q);
  return q;
}

afterAll(async () => {
  // Only the keys of our queues (default prefix "bgtasks"), never a flush.
  const redis = new Redis('redis://127.0.0.1:6379');
  for (const q of queues) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `bgtasks:${q}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }
  redis.disconnect();
});

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const [cmd, argv] = commandFor(runtime, bin, args);
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(cmd, argv, { env, timeout: 90_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe.concurrent(`bgtasks-agent --backend bullmq on ${runtime}`, () => {
  test('with no worker on the queue it says so and exits 2 within seconds', async () => {
    const queue = queueName();
    const r = await cli(['--backend', 'bullmq', '--queue', queue, '--scale', '0.05']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no bgtasks worker is connected to queue "${queue}"`);
    expect(r.stderr).toContain('--workers N');
    // Waits 3 s for a worker; the rest is starting the runtime and tsx on a busy test machine.
    expect(r.ms).toBeLessThan(30_000);
  });

  test('with Redis unreachable it says so and exits 2', async () => {
    const r = await cli(['--backend', 'bullmq', '--redis', 'redis://127.0.0.1:1', '--scale', '0.05']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 is unreachable/);
  });

  test('bad backend flags exit 2 with what is valid', async () => {
    for (const [args, message] of [
      [['--backend', 'kafka'], '--backend must be one of local, bullmq'],
      [['--backend', 'bullmq', '--workers', '-1'], '--workers'],
      [['--backend', 'bullmq', '--redis', 'http://x'], '--redis must be a URL'],
      [['--backend', 'bullmq', '--queue', 'a:b'], '--queue must be'],
      [['--workers', '2'], '--workers starts queue workers: it needs --backend bullmq'],
    ] as const) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  test('--workers 2 starts two worker processes and the default scenario finishes on them', async () => {
    const r = await cli(['--backend', 'bullmq', '--queue', queueName(), '--workers', '2', '--scale', '0.05', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim()) as RunSummary;
    expect(summary.stopReason).toBe('end_turn');
    expect(summary.jobs).toHaveLength(4);
    expect(summary.jobs.every((j) => j.state === 'completed')).toBe(true);
  });
});
