// The CLI as a subprocess, on the runtime the suite runs on: every strategy finishes the default
// scenario, --runtime switches, --json parses, bad input exits 2, SIGINT leaves no job alive.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { commandFor } from './relaunch.ts';
import type { RunSummary } from './summary.ts';

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';
const stateHome = mkdtempSync(join(tmpdir(), 'bgtasks-cli-state-'));
const env: Record<string, string> = { XDG_STATE_HOME: stateHome, NO_COLOR: '1' };
// FORCE_COLOR (set by scripts/test-all.mjs outside CI) beside NO_COLOR makes Node warn on stderr.
const dropped = new Set(['ANTHROPIC_API_KEY', 'FORCE_COLOR']);
for (const [k, v] of Object.entries(createRuntime().env())) if (!dropped.has(k) && !(k in env)) env[k] = v;

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = commandFor(runtime, bin, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { env, timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

function jobsProduced(summary: RunSummary) {
  return summary.jobs.map((j) => [j.command, j.state, j.exitCode, j.outputBytes]).sort();
}

describe.concurrent(`bgtasks-agent on ${runtime}`, () => {
  test('the plain view says it runs on the simulated model and ends with a summary', async () => {
    const r = await cli(['--scale', '0.05']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no ANTHROPIC_API_KEY: using the simulated model \(scenario "default"\), strategy inject/);
    expect(r.stdout).toMatch(/^\[\s*\d+\.\ds\] job install started/m);
    expect(r.stdout).toMatch(/Summary \(inject, /);
    expect(r.stdout).toMatch(/jobs {11}4 \(4 completed\)/);
  });

  test.each([
    ['an unknown flag', ['--frobnicate'], /Unknown option '--frobnicate'; see --help/],
    ['an unknown strategy', ['--notify', 'shout'], /--notify must be one of block, poll, inject; see --help/],
    ['an unknown runtime', ['--runtime', 'java'], /--runtime must be one of node, bun, deno/],
    ['an unknown loop', ['--loop', 'mine'], /--loop must be one of own, tool-runner/],
    [
      'a missing scenario file',
      ['--scenario', 'nope.yaml'],
      /--scenario: "nope.yaml" is neither a built-in scenario .* nor a file that exists/,
    ],
    ['a bad --max-turns', ['--max-turns', 'many'], /--max-turns must be a positive whole number/],
    ['a missing --cwd', ['--cwd', '/nonexistent/bgtasks'], /--cwd: "\/nonexistent\/bgtasks" does not exist/],
  ])('%s exits 2 with one line saying what to do', async (_name, args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('a scenario file that fails validation names the field and line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nprompt: do it\njobs:\n  - id: build\n    durationS: -3\nfinal:\n  text: done\n');
    const r = await cli(['--scenario', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/jobs\[0\]\.durationS \(line 5\)/);
  });

  test('--help lists every flag with examples', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--notify',
      '--loop',
      '--runtime',
      '--scenario',
      '--model',
      '--max-turns',
      '--cwd',
      '--transcript',
      '--json',
      '--scale',
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/Examples:/);
  });

  test('--transcript writes every event and the final conversation as JSON lines', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bgtasks-cli-')), 'run.jsonl');
    const r = await cli(['--scale', '0.05', '--json', '--transcript', file]);
    expect(r.code).toBe(0);
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    const types = new Set(records.map((x) => x.type));
    for (const t of ['turn', 'tool_call', 'job_started', 'notice_delivered', 'usage', 'done', 'summary', 'messages'])
      expect(types).toContain(t);
  });

  test.each(['node', 'bun', 'deno'].filter((r) => r !== runtime))(
    '--runtime %s re-runs the CLI under that runtime',
    async (other) => {
      const r = await cli(['--runtime', other, '--notify', 'poll', '--scale', '0.05', '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout.trim())).toMatchObject({ runtime: other, strategy: 'poll', stopReason: 'end_turn' });
    },
  );

  test('SIGINT during a run kills every job group, prints what ran and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-cli-'));
    const marker = `31.${Date.now() % 100_000}`;
    const file = join(dir, 'slow.yaml');
    writeFileSync(
      file,
      `name: slow\nprompt: run it\njobs:\n  - id: slow\n    durationS: 30\n    command: "sleep ${marker}"\nfinal:\n  text: done\n`,
    );
    // Spawned through the runtime under test: Deno's node:child_process reports a signal for a
    // child it signalled even when the child exited with a code of its own.
    const [cmd, argv] = commandFor(runtime, bin, ['--scenario', file, '--scale', '0.05']);
    const host = createRuntime();
    const child = host.spawn(`exec ${[cmd, ...argv].map((a) => `'${a}'`).join(' ')}`, { env });
    let out = '';
    let signalled = false;
    const decoder = new TextDecoder();
    const reading = (async () => {
      for await (const chunk of child.stdout) {
        out += decoder.decode(chunk);
        if (/job slow started/.test(out) && !signalled) {
          signalled = true;
          child.kill('SIGINT');
        }
      }
    })();
    const status = await child.exited;
    await reading;
    expect(status.code).toBe(130);
    expect(out).toMatch(/interrupted: every job was killed/);
    expect(out.match(/^Summary \(/gm)).toHaveLength(1);
    expect(out).toMatch(/slow {13}killed/);
    const ps = await new Promise<string>((resolve) => execFile('ps', ['-eo', 'stat=,args='], (_e, stdout) => resolve(stdout)));
    const alive = ps.split('\n').filter((l) => l.includes(`sleep ${marker}`) && !l.trim().startsWith('Z'));
    expect(alive).toEqual([]);
  });
  test('SIGINT just after done:, while close() waits on a TERM-ignoring job with an escaped child: one summary, exit 130, nothing left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-cli-'));
    const marker = `32.${Date.now() % 100_000}`;
    writeFileSync(
      join(dir, 'stubborn.sh'),
      `trap '' TERM\nsetsid sh -c "trap '' TERM; exec sleep ${marker}" >/dev/null 2>&1 &\nsleep ${marker}\n`,
    );
    const file = join(dir, 'stubborn.yaml');
    writeFileSync(
      file,
      `name: stubborn\nprompt: run it\njobs:\n  - id: stubborn\n    durationS: 30\n    command: "sh ${join(dir, 'stubborn.sh')}"\nfinal:\n  text: done\n`,
    );
    const [cmd, argv] = commandFor(runtime, bin, ['--scenario', file, '--scale', '0.05', '--notify', 'poll', '--max-turns', '2']);
    const host = createRuntime();
    const child = host.spawn(`exec ${[cmd, ...argv].map((a) => `'${a}'`).join(' ')}`, { env });
    let out = '';
    let signalled = false;
    const decoder = new TextDecoder();
    const reading = (async () => {
      for await (const chunk of child.stdout) {
        out += decoder.decode(chunk);
        if (/done: /.test(out) && !signalled) {
          signalled = true;
          child.kill('SIGINT');
        }
      }
    })();
    const status = await child.exited;
    await reading;
    expect(out).toMatch(/job stubborn started/);
    expect(signalled).toBe(true);
    expect(status.code).toBe(130);
    expect(out.match(/^Summary \(/gm)).toHaveLength(1);
    const ps = await new Promise<string>((resolve) => execFile('ps', ['-eo', 'stat=,args='], (_e, stdout) => resolve(stdout)));
    const alive = ps.split('\n').filter((l) => l.includes(`sleep ${marker}`) && !l.trim().startsWith('Z'));
    expect(alive).toEqual([]);
  });
  test('a second SIGINT during shutdown SIGKILLs every job at once, prints the summary once and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-cli-'));
    const marker = `33.${Date.now() % 100_000}`;
    writeFileSync(
      join(dir, 'stubborn.sh'),
      `trap '' TERM\nsetsid sh -c "trap '' TERM; exec sleep ${marker}" >/dev/null 2>&1 &\nsleep ${marker}\n`,
    );
    const file = join(dir, 'stubborn.yaml');
    writeFileSync(
      file,
      `name: stubborn\nprompt: run it\njobs:\n  - id: stubborn\n    durationS: 30\n    command: "sh ${join(dir, 'stubborn.sh')}"\nfinal:\n  text: done\n`,
    );
    const [cmd, argv] = commandFor(runtime, bin, ['--scenario', file, '--scale', '0.05']);
    const host = createRuntime();
    const child = host.spawn(`exec ${[cmd, ...argv].map((a) => `'${a}'`).join(' ')}`, { env });
    let out = '';
    let signalled = false;
    const decoder = new TextDecoder();
    const reading = (async () => {
      for await (const chunk of child.stdout) {
        out += decoder.decode(chunk);
        if (/job stubborn started/.test(out) && !signalled) {
          signalled = true;
          child.kill('SIGINT');
          await host.sleep(30);
          child.kill('SIGINT');
        }
      }
    })();
    const status = await child.exited;
    await reading;
    expect(status.code).toBe(130);
    expect(out).toMatch(/interrupted again: every job was SIGKILLed/);
    expect(out.match(/^Summary \(/gm)).toHaveLength(1);
    const ps = await new Promise<string>((resolve) => execFile('ps', ['-eo', 'stat=,args='], (_e, stdout) => resolve(stdout)));
    const alive = ps.split('\n').filter((l) => l.includes(`sleep ${marker}`) && !l.trim().startsWith('Z'));
    expect(alive).toEqual([]);
  });
});

describe(`bgtasks-agent --loop on ${runtime}`, () => {
  // Six runs at once, after the other tests (not beside them): more time than the default on a loaded machine.
  test('each --notify strategy finishes the default scenario under each --loop, with summaries of one shape that agree on the jobs', {
    timeout: 180_000,
  }, async () => {
    const notify = ['block', 'poll', 'inject'];
    const runs = await Promise.all([
      ...notify.map((n) => cli(['--notify', n, '--scale', '0.05', '--json'])),
      // inject streamed: the tool runner's streaming path.
      ...notify.map((n) =>
        cli(['--loop', 'tool-runner', '--notify', n, '--scale', '0.05', '--json', ...(n === 'inject' ? ['--stream'] : [])]),
      ),
    ]);
    const summaries = runs.map((r) => {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout.trim()) as RunSummary;
    });
    expect(summaries.map((s) => [s.strategy, s.loop, s.stopReason, s.simulated, s.runtime])).toEqual([
      ['block', 'own', 'end_turn', true, runtime],
      ['poll', 'own', 'end_turn', true, runtime],
      ['inject', 'own', 'end_turn', true, runtime],
      ['block', 'tool-runner', 'end_turn', true, runtime],
      ['poll', 'tool-runner', 'end_turn', true, runtime],
      ['inject', 'tool-runner', 'end_turn', true, runtime],
    ]);
    const own = summaries[0]!;
    expect(jobsProduced(own)).toHaveLength(4);
    const keys = (v: unknown): unknown =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, keys(x)]))
        : Array.isArray(v)
          ? v.slice(0, 1).map(keys)
          : typeof v;
    for (const s of summaries) {
      expect(keys(s)).toEqual(keys(own));
      expect(jobsProduced(s)).toEqual(jobsProduced(own));
      expect(s.turns).toBeGreaterThan(1);
      expect(s.tokens.output).toBeGreaterThan(0);
      expect(s.noticeLatencyMs.count).toBe(4);
    }
  });
});
