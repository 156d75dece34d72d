// Claude Code, end to end and offline: `claude -p` (headless) with ANTHROPIC_BASE_URL at
// `bgtasks-sim` and an MCP config that starts `bgtasks-mcp` over stdio, for each scenario, with
// tool search on and off, and bgtasks-mcp on Node, Bun and Deno. Each run must start every job of
// the scenario, see each job's end exactly once, and end with the model's answer.
//   npm run e2e:claude-code -- [--scenarios default,chain,dev-server] [--runtimes node,bun,deno]
//     [--tool-search on,off] [--scale 0.02] [--claude PATH] [--no-install] [--keep]
// Claude Code is not a dependency of this repository (its native binary is ~370 MB): unless
// --claude names one, the pinned version is installed on first use under
// node_modules/.cache/claude-code (npm, ~13 s) and reused after; --no-install skips the whole run
// (exit 0, saying so) when it is absent. Runs go one after another (the machine's cores are shared).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { builtinScenario } from '@bgtasks/sim-model';
import { checkRun, parseTranscript } from './claude-code/transcript.ts';

/** The Claude Code release this check is pinned to (update with the fixtures in packages/sim-model). */
export const CLAUDE_CODE_VERSION = '2.1.337';

const root = new URL('..', import.meta.url).pathname;
const RUNTIMES = ['node', 'bun', 'deno'] as const;
type Runtime = (typeof RUNTIMES)[number];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function list<T extends string>(name: string, fallback: readonly T[], valid: readonly string[]): T[] {
  const value = option(name);
  const items = (value?.split(',') ?? fallback) as T[];
  for (const item of items)
    if (!valid.includes(item)) {
      process.stderr.write(`claude-code-e2e: --${name}: "${item}" is not one of ${valid.join(', ')}\n`);
      process.exit(2);
    }
  return items;
}

function findClaude(): string | undefined {
  const given = option('claude') ?? process.env.CLAUDE_BIN;
  if (given) return given;
  const dir = join(root, 'node_modules/.cache/claude-code');
  const bin = join(dir, 'node_modules/.bin/claude');
  if (existsSync(bin)) return bin;
  if (process.argv.includes('--no-install')) return undefined;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  const started = performance.now();
  process.stdout.write(`installing @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} into ${dir} ...\n`);
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefix', dir, `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`],
    {
      stdio: 'inherit',
    },
  );
  process.stdout.write(`installed in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return bin;
}

/** Starts bgtasks-sim on a free port and resolves with its URL. */
function startSim(scenario: string, scale: string): Promise<{ url: string; child: ChildProcess; log: string[] }> {
  const [cmd, args] = runtimeCommand('node', join(root, 'packages/sim-model/src/bin.ts'), [
    '--scenario',
    scenario,
    '--scale',
    scale,
    '--poll',
    'bg_wait',
  ]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bgtasks-sim exited ${code}: ${log.join('')}`)));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      log.push(chunk);
      const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(log.join(''))?.[1];
      if (url) resolve({ url, child, log });
    });
  });
}

interface RunResult {
  scenario: string;
  toolSearch: string;
  runtime: Runtime;
  seconds: number;
  turns: number;
  problems: string[];
  /** Where the transcript and the sim's log were kept (a failure, or --keep). */
  kept: string | undefined;
}

async function runOne(claude: string, scenario: string, toolSearch: string, runtime: Runtime, scale: string): Promise<RunResult> {
  const work = mkdtempSync(join(tmpdir(), 'bgtasks-claude-code-'));
  const home = join(work, 'home');
  const project = join(work, 'project');
  mkdirSync(home);
  mkdirSync(project);
  const [mcpCommand, mcpArgs] = runtimeCommand(runtime, join(root, 'packages/mcp/src/bin.ts'), ['--cwd', project]);
  const config = join(work, 'mcp.json');
  writeFileSync(config, JSON.stringify({ mcpServers: { bgtasks: { command: mcpCommand, args: mcpArgs } } }, null, 2));
  const sim = await startSim(scenario, scale);
  const started = performance.now();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    ANTHROPIC_BASE_URL: sim.url,
    ANTHROPIC_API_KEY: 'sim',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    ENABLE_TOOL_SEARCH: toolSearch === 'on' ? 'true' : 'false',
  };
  const prompt = builtinScenario(scenario).prompt;
  const args = ['-p', prompt, '--mcp-config', config, '--strict-mcp-config', '--allowedTools', 'mcp__bgtasks'];
  const output = await new Promise<string>((resolve) => {
    const child = spawn(claude, [...args, '--output-format', 'stream-json', '--verbose'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const parts: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (c: string) => parts.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => parts.push(c));
    const timer = setTimeout(() => child.kill('SIGTERM'), 180_000);
    child.once('close', () => {
      clearTimeout(timer);
      resolve(parts.join(''));
    });
  });
  const seconds = (performance.now() - started) / 1000;
  sim.child.kill('SIGTERM');
  const transcript = parseTranscript(output);
  const problems = checkRun(transcript, builtinScenario(scenario));
  if (toolSearch === 'on' && !transcript.calls.some((c) => c.name === 'ToolSearch'))
    problems.push('tool search was on but the model never searched');
  if (toolSearch === 'off' && transcript.calls.some((c) => c.name === 'ToolSearch'))
    problems.push('tool search was off but the model searched');
  let kept: string | undefined;
  if (problems.length > 0 || process.argv.includes('--keep')) {
    writeFileSync(join(work, 'claude-output.jsonl'), output);
    writeFileSync(join(work, 'sim.log'), sim.log.join(''));
    kept = work;
  } else rmSync(work, { recursive: true, force: true });
  return { scenario, toolSearch, runtime, seconds, turns: transcript.calls.length, problems, kept };
}

const scenarios = list(
  'scenarios',
  ['default', 'chain', 'dev-server'],
  ['default', 'chain', 'dev-server', 'independent', 'fan-out-fan-in'],
);
const runtimes = list<Runtime>('runtimes', RUNTIMES, RUNTIMES);
const searches = list('tool-search', ['on', 'off'], ['on', 'off']);
const scale = option('scale') ?? '0.02';
const claude = findClaude();
if (!claude) {
  process.stdout.write('claude-code-e2e: skipped: Claude Code is not installed and --no-install was given\n');
  process.exit(0);
}
const version = execFileSync(claude, ['--version'], { encoding: 'utf8' }).trim();
process.stdout.write(`Claude Code ${version}; scale ${scale}; bgtasks-sim --poll bg_wait\n`);
const results: RunResult[] = [];
for (const runtime of runtimes)
  for (const scenario of scenarios)
    for (const toolSearch of searches) {
      const r = await runOne(claude, scenario, toolSearch, runtime, scale);
      results.push(r);
      const status = r.problems.length === 0 ? 'ok  ' : 'FAIL';
      process.stdout.write(
        `${status} bgtasks-mcp on ${runtime.padEnd(4)} ${scenario.padEnd(10)} tool search ${toolSearch.padEnd(3)} ${r.seconds.toFixed(1).padStart(5)} s, ${r.turns} tool calls\n`,
      );
      for (const p of r.problems) process.stdout.write(`       ${p}\n`);
      if (r.kept) process.stdout.write(`       transcript and sim log kept in ${r.kept}\n`);
    }
for (const runtime of runtimes) {
  const mine = results.filter((r) => r.runtime === runtime);
  process.stdout.write(`${runtime}: ${mine.reduce((s, r) => s + r.seconds, 0).toFixed(1)} s for ${mine.length} runs\n`);
}
const failed = results.filter((r) => r.problems.length > 0).length;
process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
