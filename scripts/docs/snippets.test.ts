// Every code block of the documentation, run as written on the runtime this suite runs on: a
// TypeScript/JavaScript block as a file inside the repository (so workspace packages resolve),
// Node through tsx as `npm start` does, Bun as is, Deno with `run -A`, each with
// --conditions=@bgtasks/source (packages resolve to their sources); a shell block through bash
// from the repository root (on the Node pass only: a shell line runs the same whatever runtime
// hosts the test); a `yaml scenario` block through the agent CLI under every --notify. A block
// that fails names its file and line. `fragment` and `no-run` blocks are listed as skipped.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import {
  documentationFiles,
  documentationSnippets,
  extractLinks,
  extractSnippets,
  missingOutput,
  type Snippet,
  shownOutput,
} from './snippets.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const runtime = g.Bun !== undefined ? 'bun' : g.Deno !== undefined ? 'deno' : 'node';
const workDir = join(root, '.snippets', `${runtime}-${process.pid}`);
const stateHome = mkdtempSync(join(tmpdir(), 'bgtasks-snippets-state-'));
/** What a block runs with: the host environment without an API key, so no block talks to Claude. */
const env: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ANTHROPIC_API_KEY') env[k] = v;
Object.assign(env, { XDG_STATE_HOME: stateHome, NO_COLOR: '1', FORCE_COLOR: '0' });

/** Time one block may take before it counts as failed (a block must exit by itself). */
const BLOCK_TIMEOUT_MS = 90_000;
const SCENARIO_SCALE = '0.02';
const SOURCE = '--conditions=@bgtasks/source';
/** A test's limit: its own block's time plus waiting for a slot behind others. */
const QUEUED_TIMEOUT_MS = 3 * BLOCK_TIMEOUT_MS;

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
  rmSync(stateHome, { recursive: true, force: true });
});

interface Ran {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

/** Blocks running at once: each is a process (several, for a CLI run); the machine is shared. */
const MAX_PARALLEL = 3;
let running = 0;
const waiting: Array<() => void> = [];

async function run(cmd: string, args: readonly string[]): Promise<Ran> {
  while (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await runNow(cmd, args);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Runs one block in a process group of its own, so a block that hangs is stopped whole (npm,
 * tsx, the agent, its jobs): SIGTERM to the group at the time limit (executors kill their
 * jobs on it), SIGKILL 2 s later.
 */
function runNow(cmd: string, args: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout = (stdout + d).slice(-1_000_000)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-1_000_000)));
    let timedOut = false;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid ?? 0), signal);
      } catch {
        // the group is gone already
      }
    };
    const term = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
    }, BLOCK_TIMEOUT_MS);
    const kill = setTimeout(() => signalGroup('SIGKILL'), BLOCK_TIMEOUT_MS + 2_000);
    child.on('error', (error) => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve({ code: `could not start ${cmd}: ${error.message}`, stdout, stderr });
    });
    child.on('close', (code, signal) => {
      clearTimeout(term);
      if (!timedOut) clearTimeout(kill);
      resolve({ code: timedOut ? `stopped after ${BLOCK_TIMEOUT_MS} ms` : (code ?? signal), stdout, stderr });
    });
  });
}

/** The command that runs a script file on this suite's runtime. */
function scriptCommand(file: string): [string, string[]] {
  // --conditions=@bgtasks/source: workspace packages resolve to their sources, as `npm start` does.
  if (runtime === 'bun') return [process.execPath, [SOURCE, file]];
  if (runtime === 'deno') return [process.execPath, ['run', '-A', SOURCE, file]];
  return [process.execPath, [SOURCE, '--import', 'tsx', file]];
}

function slug(s: Snippet): string {
  return `${s.file.replace(/[^A-Za-z0-9]+/g, '-')}-L${s.line}`;
}

function failure(s: Snippet, r: Ran): string {
  const tail = (text: string) => text.trimEnd().split('\n').slice(-25).join('\n');
  return `${s.file}:${s.line} (\`\`\`${s.info}) failed on ${runtime}: exit ${r.code}\n--- stderr\n${tail(r.stderr)}\n--- stdout\n${tail(r.stdout)}`;
}

function writeBlock(s: Snippet, ext: string): string {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `${slug(s)}.${ext}`);
  writeFileSync(file, s.code);
  return file;
}

const snippets = documentationSnippets(root);
const label = (s: Snippet) => `${s.file}:${s.line} ${s.info}`;

describe('the snippet finder', () => {
  test('reads fences with their line and info string, and skips inline code', () => {
    const md = [
      '# t',
      '```ts',
      'const a = 1;',
      '```',
      'text ```not a fence```',
      '',
      '~~~~sh no-run',
      'npm install',
      '~~~~',
      '```ts fragment',
      'x',
      '```',
    ].join('\n');
    expect(extractSnippets(md, 'x.md').map((s) => [s.line, s.kind, s.code])).toEqual([
      [2, 'ts', 'const a = 1;\n'],
      [7, 'no-run', 'npm install\n'],
      [10, 'fragment', 'x\n'],
    ]);
  });

  test('finds the guide and the package READMEs without a list', () => {
    const files = documentationFiles(root);
    expect(files).toContain('docs/your-agent.md');
    expect(files).toContain('packages/core/README.md');
    expect(files).toContain('README.md');
    expect(snippets.filter((s) => s.kind === 'ts').length).toBeGreaterThan(5);
  });

  test('reads the output a block shows (`// → ...`) and finds it printed in order, `...` matching anything', () => {
    const code =
      "console.log(a); // → 3 [ 'a: completed' ]\nconsole.log(b); // a plain comment\nconsole.log(c); // → refused: cwd ...";
    const shown = shownOutput(code);
    expect(shown).toEqual(["3 [ 'a: completed' ]", 'refused: cwd ...']);
    expect(missingOutput(shown, 'noise\n3 [ \'a: completed\' ]\nrefused: cwd "/etc" is outside\n')).toEqual([]);
    expect(missingOutput(shown, "refused: cwd x\n3 [ 'a: completed' ]\n")).toEqual(['refused: cwd ...']);
    expect(missingOutput(['3 completed'], '3 completed and more\n')).toEqual(['3 completed']);
  });

  test('fragments stay rare: at most one in ten code blocks', () => {
    const code = snippets.filter((s) => s.kind === 'ts' || s.kind === 'js' || s.kind === 'fragment');
    expect(snippets.filter((s) => s.kind === 'fragment').length * 10).toBeLessThanOrEqual(code.length);
  });
});

describe('documentation links', () => {
  const links = documentationFiles(root).flatMap((file) => extractLinks(readFileSync(join(root, file), 'utf8'), file));
  const broken = (l: (typeof links)[number]) => !existsSync(join(root, dirname(l.file), decodeURI(l.target.split('#')[0] ?? '')));

  test('finds links outside code, skips URLs, anchors and fenced blocks, and marks pending sections', () => {
    const md = [
      '[a](x.md) [b](https://e.org) [c](#top) `[d](no.md)`',
      '```',
      '[e](code.md)',
      '```',
      '<!-- pending-links -->',
      '[f](later.md)',
      '## next',
      '[g](y.md#h)',
    ].join('\n');
    expect(extractLinks(md, 'docs/t.md').map((l) => [l.line, l.target, l.pending])).toEqual([
      [1, 'x.md', false],
      [6, 'later.md', true],
      [8, 'y.md#h', false],
    ]);
  });

  test('every relative link resolves to a file or directory of the repository', () => {
    expect(links.filter((l) => !l.pending && broken(l)).map((l) => `${l.file}:${l.line} -> ${l.target}`)).toEqual([]);
  });

  // Pages being written elsewhere (the adapter guides): listed as skipped until they exist.
  for (const l of links.filter((l) => l.pending && broken(l))) {
    test.skip(`${l.file}:${l.line} -> ${l.target} (pending: the page does not exist yet)`, () => {});
  }
});

describe('documentation types', () => {
  // A misspelt option (`maxConcurent: 2`) runs without complaint; the type checker catches it.
  test.skipIf(runtime !== 'node')(
    'every TypeScript block typechecks (strict, as the packages are)',
    async () => {
      const dir = join(workDir, 'typecheck');
      mkdirSync(dir, { recursive: true });
      const blocks = snippets.filter((s) => s.kind === 'ts');
      for (const s of blocks) writeFileSync(join(dir, `${slug(s)}.ts`), s.code);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ extends: '../../../tsconfig.base.json', compilerOptions: { types: ['node'] }, include: ['*.ts'] }),
      );
      const r = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir]);
      const located = r.stdout.replace(
        /^.*?([A-Za-z0-9-]+)-L(\d+)\.ts\((\d+),\d+\)/gm,
        (_m, name: string, line: string, at: string) => {
          const block = blocks.find((b) => slug(b) === `${name}-L${line}`);
          return block ? `${block.file}:${block.line + Number(at)}` : _m;
        },
      );
      expect(r.code, `type errors in documentation blocks:\n${located}`).toBe(0);
    },
    QUEUED_TIMEOUT_MS,
  );
});

describe.concurrent(`documentation blocks on ${runtime}`, () => {
  for (const s of snippets) {
    if (s.kind === 'ts' || s.kind === 'js') {
      test(
        `${label(s)} runs`,
        async () => {
          const [cmd, args] = scriptCommand(writeBlock(s, s.kind === 'ts' ? 'ts' : 'mjs'));
          const r = await run(cmd, args);
          expect(r.code, failure(s, r)).toBe(0);
          // `// → text` comments show what the block prints; checked on Node, whose formatting of
          // arrays and objects (util.inspect) they are written in: Bun and Deno print those differently.
          if (runtime === 'node') expect(missingOutput(shownOutput(s.code), r.stdout), failure(s, r)).toEqual([]);
        },
        QUEUED_TIMEOUT_MS,
      );
    } else if (s.kind === 'sh') {
      test.skipIf(runtime !== 'node')(
        `${label(s)} runs in bash from the repository root`,
        async () => {
          const r = await run('bash', ['-c', `set -euo pipefail\n${s.code}`]);
          expect(r.code, failure(s, r)).toBe(0);
        },
        QUEUED_TIMEOUT_MS,
      );
    } else if (s.kind === 'scenario') {
      test(
        `${label(s)} finishes under every --notify`,
        async () => {
          const file = writeBlock(s, 'yaml');
          const bin = join(root, 'examples/agent/src/bin.ts');
          for (const notify of ['block', 'poll', 'inject']) {
            const [cmd, args] = scriptCommand(bin);
            const r = await run(cmd, [...args, '--scenario', file, '--notify', notify, '--scale', SCENARIO_SCALE, '--json']);
            expect(r.code, `--notify ${notify}: ${failure(s, r)}`).toBe(0);
            expect(JSON.parse(r.stdout.trim()).stopReason, `--notify ${notify}`).toBe('end_turn');
          }
        },
        3 * QUEUED_TIMEOUT_MS,
      );
    } else if (s.kind === 'fragment' || s.kind === 'no-run') {
      test.skip(`${label(s)} (marked ${s.kind})`, () => {});
    }
  }
});
