// The CLI as a subprocess, on the runtime the suite runs on: every strategy finishes the default
// scenario, --runtime switches, --json parses, bad input exits 2, SIGINT leaves no job alive.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { AGENT_FLAGS } from './args.ts';
import { runCli } from './cli.ts';
import { commandFor } from './relaunch.ts';
import type { RunSummary } from './summary.ts';

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';
const stateHome = mkdtempSync(join(tmpdir(), 'bgtasks-cli-state-'));
const env: Record<string, string> = { XDG_STATE_HOME: stateHome, NO_COLOR: '1' };
// FORCE_COLOR (set by scripts/test-all.mjs outside CI) beside NO_COLOR makes Node warn on stderr.
const dropped = new Set(['ANTHROPIC_API_KEY', 'FORCE_COLOR']);
for (const [k, v] of Object.entries(createRuntime().env())) if (!dropped.has(k) && !(k in env)) env[k] = v;

/** Room for tests that run several CLI subprocesses at once on a busy machine (the default is 30 s). */
const SUBPROCESS_TEST_MS = 120_000;

function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = commandFor(runtime, bin, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { env, timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

/**
 * The CLI's entry function in this process, with the bin's arguments, environment and working
 * directory: for bad input, where what is checked is the parse and its message, not the process
 * (one case runs the real bin to show the exit code and the line reach the process).
 */
async function cliInProcess(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli({
    argv: args,
    env,
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    stdout: { write: (text) => void (stdout += text), isTTY: false, columns: 100, color: false },
    stderr: (text) => void (stderr += text),
    relaunch: () => Promise.reject(new Error('bad input must not relaunch')),
  });
  return { code, stdout, stderr };
}

/** A scenario file with one 30 s job `id` running `command`, in a fresh temp directory. */
function oneJobScenario(id: string, command: (dir: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bgtasks-cli-'));
  const file = join(dir, `${id}.yaml`);
  writeFileSync(
    file,
    `name: ${id}\nprompt: run it\njobs:\n  - id: ${id}\n    durationS: 30\n    command: "${command(dir)}"\nfinal:\n  text: done\n`,
  );
  return file;
}

/**
 * A job script that ignores SIGTERM and leaves an escaped child (`setsid`) that ignores it too;
 * both sleep `marker` seconds, so `sleepers(marker)` finds them.
 */
function stubbornScenario(marker: string): string {
  return oneJobScenario('stubborn', (dir) => {
    const script = join(dir, 'stubborn.sh');
    writeFileSync(script, `trap '' TERM\nsetsid sh -c "trap '' TERM; exec sleep ${marker}" >/dev/null 2>&1 &\nsleep ${marker}\n`);
    return `sh ${script}`;
  });
}

/** Live processes whose command line holds `sleep <marker>`. */
async function sleepers(marker: string): Promise<string[]> {
  const ps = await new Promise<string>((resolve) => execFile('ps', ['-eo', 'stat=,args='], (_e, stdout) => resolve(stdout)));
  return ps.split('\n').filter((l) => l.includes(`sleep ${marker}`) && !l.trim().startsWith('Z'));
}

/**
 * Runs the CLI with `args`, spawned through the runtime under test (Deno's node:child_process
 * reports a signal for a child it signalled even when the child exited with a code of its own);
 * the first time its output matches `when`, awaits `then` with the child.
 */
async function cliUntil(
  args: readonly string[],
  when: RegExp,
  then: (child: { kill(signal: 'SIGINT'): void }) => Promise<void> | void,
): Promise<{ code: number | null; out: string; signalled: boolean }> {
  const [cmd, argv] = commandFor(runtime, bin, args);
  const child = createRuntime().spawn(`exec ${[cmd, ...argv].map((a) => `'${a}'`).join(' ')}`, { env });
  let out = '';
  let signalled = false;
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of child.stdout) {
      out += decoder.decode(chunk);
      if (when.test(out) && !signalled) {
        signalled = true;
        await then(child);
      }
    }
  })();
  const status = await child.exited;
  await reading;
  return { code: status.code, out, signalled };
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
    ['an unknown strategy', ['--notify', 'shout'], /--notify must be one of block, poll, inject, got "shout"; see --help/],
    ['an unknown runtime', ['--runtime', 'java'], /--runtime must be one of node, bun, deno/],
    ['an unknown loop', ['--loop', 'mine'], /--loop must be one of own, tool-runner, ai-sdk, got "mine"; see --help/],
    [
      'a missing scenario file',
      ['--scenario', 'nope.yaml'],
      /--scenario: "nope.yaml" is neither a built-in scenario .* nor a file that exists/,
    ],
    ['a bad --max-turns', ['--max-turns', 'many'], /--max-turns must be a whole number at least 1 and at most 10000/],
    ['a fractional --max-turns', ['--max-turns', '2.5'], /--max-turns must be a whole number/],
    ['a --scale that is not a number', ['--scale', 'abc'], /--scale must be a number more than 0 and at most 10, got "abc"/],
    ['a --scale of Infinity', ['--scale', 'Infinity'], /--scale must be a number/],
    ['a --scale of 0', ['--scale', '0'], /--scale must be a number more than 0/],
    ['an unknown --poll', ['--poll', 'often'], /--poll must be one of every_turn, backoff, bg_wait/],
    ['a missing --cwd', ['--cwd', '/nonexistent/bgtasks'], /--cwd: "\/nonexistent\/bgtasks" does not exist/],
    ['a --cwd naming a file', ['--cwd', bin], /--cwd: ".*bin\.ts" is a file, not a directory/],
    [
      '/dev/zero as --scenario (bounded read)',
      ['--scenario', '/dev/zero'],
      /--scenario: \/dev\/zero is larger than 1048576 bytes/,
    ],
    ['a directory as --scenario', ['--scenario', '/tmp'], /--scenario: \/tmp is a directory, not a file/],
  ])('%s exits 2 with one line saying what to do', async (_name, args, message) => {
    const r = await cliInProcess(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('bad input to the real bin: exit 2 and one line on stderr, no stack', async () => {
    const r = await cli(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--frobnicate'; see --help/);
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

  test('--help exits 0 and lists every flag with its default, the two turn limits and examples', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const [name, flag] of Object.entries(AGENT_FLAGS)) {
      expect(r.stdout).toContain(`--${name}`);
      if ('default' in flag) expect(r.stdout).toMatch(new RegExp(`--${name}[^]*?\\(default: `));
    }
    expect(r.stdout.match(/\(default: /g)?.length).toBe(Object.values(AGENT_FLAGS).filter((f) => 'default' in f).length);
    expect(r.stdout).toMatch(/Two turn limits/);
    expect(r.stdout).toMatch(/Examples:/);
  });

  test('docs/agent-cli.md names every flag --help lists', () => {
    const page = readFileSync(fileURLToPath(new URL('../../../docs/agent-cli.md', import.meta.url)), 'utf8');
    const missing = Object.keys(AGENT_FLAGS).filter((name) => !page.includes(`--${name}`));
    expect(missing).toEqual([]);
  });

  test("on the simulated model --max-turns defaults to the scenario's maxTurns, not the loop's 50", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-cli-'));
    const file = join(dir, 'polls.yaml');
    // Polling every turn through a job that outlasts the test: the simulated model gives up after
    // its own maxTurns (60) in turn 61, so the count depends on that cap alone, not on speed.
    writeFileSync(
      file,
      'name: polls\nprompt: run it\njobs:\n  - id: long\n    durationS: 5000\nfinal:\n  text: done\npolicy: { poll: every_turn }\nmaxTurns: 60\n',
    );
    const [byDefault, capped] = await Promise.all([
      cli(['--scenario', file, '--notify', 'poll', '--scale', '0.02', '--json']),
      cli(['--scenario', file, '--notify', 'poll', '--scale', '0.02', '--max-turns', '50', '--json']),
    ]);
    const summary = JSON.parse(byDefault.stdout.trim()) as RunSummary;
    expect(summary.stopReason).toBe('end_turn');
    expect(summary.finalText).toMatch(/I stopped after 60 turns/);
    expect(summary.turns).toBe(61);
    expect(byDefault.code).toBe(0);
    expect(JSON.parse(capped.stdout.trim())).toMatchObject({ stopReason: 'max_turns', turns: 50 });
    expect(capped.code).toBe(1);
  }, 120_000);

  test('a job killed when the run stops shows its signal, not exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-cli-'));
    const file = join(dir, 'long.yaml');
    writeFileSync(file, 'name: long\nprompt: run it\njobs:\n  - id: long\n    durationS: 600\nfinal:\n  text: done\n');
    const [json, text] = await Promise.all([
      cli(['--scenario', file, '--scale', '0.05', '--max-turns', '1', '--json']),
      cli(['--scenario', file, '--scale', '0.05', '--max-turns', '1']),
    ]);
    expect(json.code).toBe(1);
    const summary = JSON.parse(json.stdout.trim()) as RunSummary;
    expect(summary.stopReason).toBe('max_turns');
    expect(summary.jobs).toMatchObject([{ id: 'long', state: 'killed', signal: 'SIGTERM', exitCode: null }]);
    expect(text.stdout).toMatch(/^ {4}long {13}killed {5}SIGTERM /m);
  }, 120_000);

  test('escape sequences in commands and output are shown, never sent to the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-cli-'));
    const file = join(dir, 'escapes.yaml');
    // The command and its output carry a screen clear, a title change (OSC) and a CSI in C1 form.
    writeFileSync(
      file,
      'name: escapes\nprompt: "run \\e[2J"\njobs:\n  - id: esc\n    durationS: 1\n    command: "printf \'\\e[2J\\e]0;pwned\\a\\x9b31m\\n\'; echo \\"\\e[2J\\""\nfinal:\n  text: "done \\e]0;pwned\\a"\n',
    );
    const runs = await Promise.all(
      ['poll', 'inject'].map((notify) => cli(['--scenario', file, '--scale', '0.05', '--notify', notify])),
    );
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/job esc started: printf .*\\x1b\[2J/);
      expect(r.stdout).toMatch(/done \\x1b\]0;pwned\\x07/);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control character may reach the terminal
      expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\x9b]/);
    }
  }, 120_000);

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
    SUBPROCESS_TEST_MS,
  );

  test('SIGINT during a run kills every job group, prints what ran and exits 130', async () => {
    const marker = `31.${Date.now() % 100_000}`;
    const file = oneJobScenario('slow', () => `sleep ${marker}`);
    const { code, out } = await cliUntil(['--scenario', file, '--scale', '0.05'], /job slow started/, (child) =>
      child.kill('SIGINT'),
    );
    expect(code).toBe(130);
    expect(out).toMatch(/interrupted: every job was killed/);
    expect(out.match(/^Summary \(/gm)).toHaveLength(1);
    expect(out).toMatch(/slow {13}killed/);
    expect(await sleepers(marker)).toEqual([]);
  });
  test('SIGINT just after done:, while close() waits on a TERM-ignoring job with an escaped child: one summary, exit 130, nothing left', async () => {
    const marker = `32.${Date.now() % 100_000}`;
    const file = stubbornScenario(marker);
    const { code, out, signalled } = await cliUntil(
      ['--scenario', file, '--scale', '0.05', '--notify', 'poll', '--max-turns', '2'],
      /done: /,
      (child) => child.kill('SIGINT'),
    );
    expect(out).toMatch(/job stubborn started/);
    expect(signalled).toBe(true);
    expect(code).toBe(130);
    expect(out.match(/^Summary \(/gm)).toHaveLength(1);
    expect(await sleepers(marker)).toEqual([]);
  });
  test('a second SIGINT during shutdown SIGKILLs every job at once, prints the summary once and exits 130', async () => {
    const marker = `33.${Date.now() % 100_000}`;
    const file = stubbornScenario(marker);
    const host = createRuntime();
    const { code, out } = await cliUntil(['--scenario', file, '--scale', '0.05'], /job stubborn started/, async (child) => {
      // Only once both sleeps run has the script set its TERM traps: a SIGINT before that
      // would end a job that does not yet ignore SIGTERM, and there is no second to send.
      for (let i = 0; i < 100 && (await sleepers(marker)).length < 2; i++) await host.sleep(50);
      child.kill('SIGINT');
      await host.sleep(30);
      child.kill('SIGINT');
    });
    expect(code).toBe(130);
    expect(out).toMatch(/interrupted again: every job was SIGKILLed/);
    expect(out.match(/^Summary \(/gm)).toHaveLength(1);
    expect(await sleepers(marker)).toEqual([]);
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

// One after another, after the concurrent tests above: these start six CLI runs between them.
describe(`bgtasks-agent --loop ai-sdk on ${runtime}`, () => {
  test(
    '--loop ai-sdk finishes the default scenario for each --notify, with a summary of the same shape as the own loop',
    async () => {
      const strategies = ['block', 'poll', 'inject'];
      const runs = [];
      for (const args of [
        ...strategies.map((n) => ['--loop', 'ai-sdk', '--notify', n]),
        ['--loop', 'ai-sdk', '--notify', 'inject', '--stream'],
        ['--notify', 'inject'],
      ]) {
        runs.push(await cli([...args, '--scale', '0.05', '--json']));
      }
      const summaries = runs.map((r) => {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        return JSON.parse(r.stdout.trim()) as RunSummary;
      });
      const own = summaries.pop() as RunSummary;
      expect(summaries.map((s) => [s.loop, s.strategy, s.stopReason, s.simulated, s.runtime])).toEqual([
        ['ai-sdk', 'block', 'end_turn', true, runtime],
        ['ai-sdk', 'poll', 'end_turn', true, runtime],
        ['ai-sdk', 'inject', 'end_turn', true, runtime],
        ['ai-sdk', 'inject', 'end_turn', true, runtime],
      ]);
      expect(own.loop).toBe('own');
      for (const s of summaries) {
        expect(Object.keys(s).sort()).toEqual(Object.keys(own).sort());
        expect(Object.keys(s.tokens).sort()).toEqual(Object.keys(own.tokens).sort());
        expect(jobsProduced(s)).toEqual(jobsProduced(own));
        expect(s.turns).toBeGreaterThan(1);
        expect(s.tokens.output).toBeGreaterThan(0);
        // The AI SDK loop sets the same prompt-cache breakpoint as the own loop (block's short
        // requests stay under the 1024-token minimum cacheable prefix).
        if (s.strategy !== 'block') expect(s.tokens.cacheRead).toBeGreaterThan(0);
        expect(s.costUsd).toBeGreaterThan(0);
        expect(s.noticeLatencyMs.count).toBe(4);
        expect(s.finalText).toMatch(/Done: install, lint, tests and build all passed/);
      }
    },
    SUBPROCESS_TEST_MS,
  );

  test(
    '--loop ai-sdk shows its loop in the plain view and the summary, and --transcript records the same events',
    async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'bgtasks-cli-')), 'run.jsonl');
      const r = await cli(['--loop', 'ai-sdk', '--scale', '0.05', '--transcript', file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/using the simulated model \(scenario "default"\), strategy inject, loop ai-sdk, on /);
      expect(r.stdout).toMatch(/^\[\s*\d+\.\ds\] job install started/m);
      expect(r.stdout).toMatch(/Summary \(inject, .*, loop ai-sdk\)/);
      const types = new Set(
        readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { type: string }).type),
      );
      for (const t of ['turn', 'tool_call', 'job_started', 'notice_delivered', 'usage', 'wake', 'done', 'summary', 'messages'])
        expect(types).toContain(t);
    },
    SUBPROCESS_TEST_MS,
  );
});
