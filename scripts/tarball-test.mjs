#!/usr/bin/env node
// What a user installs, tested as a user would: build, `npm pack` every public workspace package
// (found, not listed: a new package is covered without editing this file), install the tarballs
// into a fresh project in the temp dir (outside the repo, so nothing resolves to the sources), then
// on Node 20, Node 24, Bun and Deno:
//   - import every export subpath of every packed package (each runtime's entry loads on it),
//   - submit a job and receive its notice (smoke.mjs), checking which runtime entry was picked,
//   - run the installed `bgtasks-agent --scale 0.05 --json` and check it finished,
// and typecheck a consumer .ts with `tsc --strict --module nodenext` (no skipLibCheck).
// Prints the packed size of each package. Ends with one line "N passed, N failed".
// Flags: --keep (leave the temp project), --no-build (dist is already built).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { node24, systemNode, versionOf } from './node-binaries.mjs';
import { workspaceDirs } from './package-layout.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const runtimes = [
  { name: 'node20', cmd: systemNode(), run: [] },
  { name: 'node24', cmd: node24, run: [] },
  { name: 'bun', cmd: join(root, 'node_modules/bun/bin/bun.exe'), run: [] },
  { name: 'deno', cmd: join(root, 'node_modules/deno/deno'), run: ['run', '-A'] },
];
const only = (process.env.BGTASKS_RUNTIMES ?? '').split(',').filter(Boolean);
const selected =
  only.length > 0 ? runtimes.filter((r) => only.includes(r.name) || (r.name === 'node20' && only.includes('node'))) : runtimes;

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${name}${!ok && detail ? `\n     ${detail.trim().split('\n').slice(-12).join('\n     ')}` : ''}`,
  );
}

// A clean environment: no source condition, no tsx, no API key (the CLI must use the simulated model).
const env = { ...process.env };
for (const k of ['NODE_OPTIONS', 'DENO_CONDITIONS', 'BUN_OPTIONS', 'ANTHROPIC_API_KEY', 'FORCE_COLOR']) delete env[k];
env.NO_COLOR = '1';
// Nothing of the repository on PATH (npm run puts its node_modules/.bin first): a user has none.
env.PATH = (env.PATH ?? '')
  .split(':')
  .filter((dir) => !dir.includes('node_modules'))
  .join(':');

if (!args.includes('--no-build')) {
  console.log('=== build');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}

const work = mkdtempSync(join(tmpdir(), 'bgtasks-tarballs-'));
const packs = join(work, 'packs');
const app = join(work, 'app');
mkdirSync(packs);
mkdirSync(app);
env.XDG_STATE_HOME = join(work, 'state');

console.log('=== pack');
const packages = [];
for (const dir of workspaceDirs()) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  // prepack would build again; the build above already ran in dependency order.
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packs], { cwd: dir, env });
  const [info] = JSON.parse(out.toString());
  const stray = info.files.map((f) => f.path).filter((p) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(p));
  const extra = (pkg.files ?? []).filter((f) => !['dist', 'README.md', 'LICENSE'].includes(f));
  const unexpected = stray.filter((p) => !extra.some((e) => p.startsWith(`${e}/`) || p === e));
  const tests = info.files.map((f) => f.path).filter((p) => /\.test\.|fixtures\/|\.ts$/.test(p) && !p.endsWith('.d.ts'));
  check(
    `${pkg.name}: tarball holds dist, README, LICENSE only (no tests, fixtures or sources)`,
    unexpected.length + tests.length === 0,
    [...unexpected, ...tests].join(', '),
  );
  packages.push({ name: pkg.name, dir, file: join(packs, info.filename), size: info.size, unpacked: info.unpackedSize, pkg });
}
console.log('\npackage                      packed kB  unpacked kB  files');
for (const p of packages) {
  console.log(`${p.name.padEnd(28)} ${(p.size / 1024).toFixed(1).padStart(9)}  ${(p.unpacked / 1024).toFixed(1).padStart(11)}`);
}

console.log('\n=== publint --strict and attw (arethetypeswrong, ESM-only profile) on each tarball');
const bin = (name) => join(root, 'node_modules/.bin', name);
for (const p of packages) {
  const lint = spawnSync(bin('publint'), ['run', p.file, '--strict'], { cwd: work, env, encoding: 'utf8' });
  check(`${p.name}: publint`, lint.status === 0 && !/warning|error/i.test(lint.stdout), lint.stdout + lint.stderr);
  // node10 and CommonJS resolution are out of scope: the packages are ESM only ("type": "module").
  const types = spawnSync(bin('attw'), [p.file, '--profile', 'esm-only', '--format', 'ascii'], {
    cwd: work,
    env,
    encoding: 'utf8',
  });
  check(`${p.name}: attw`, types.status === 0, types.stdout + types.stderr);
}

console.log('\n=== install into a fresh project');
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'bgtasks-consumer', private: true, type: 'module' }, null, 2));
// npm installs the peer dependencies (@anthropic-ai/sdk, ...) itself, from the registry.
// @types/node and @types/json-schema: what a TypeScript project using the AI SDK has anyway (its
// declarations reference undici's Node types and JSON Schema's); the consumer check has skipLibCheck off.
// @types/redis-errors: ioredis 6.1's declarations import `redis-errors`, which ships no types of its
// own (6.0 did not need it); a project that typechecks its libraries needs it beside ioredis.
const typePackages = ['@types/node@20', '@types/json-schema@7', '@types/redis-errors@1'];
const install = spawnSync(
  'npm',
  ['install', '--no-audit', '--no-fund', '--prefer-offline', ...typePackages, ...packages.map((p) => p.file)],
  {
    cwd: app,
    env,
    encoding: 'utf8',
  },
);
check('npm install of every tarball', install.status === 0, install.stderr);
if (install.status !== 0) finish();

// Every export subpath of every packed package, except the runtime conditions (their own check).
const specifiers = packages.flatMap((p) =>
  Object.keys(p.pkg.exports ?? {}).map((sub) => (sub === '.' ? p.name : `${p.name}${sub.slice(1)}`)),
);
writeFileSync(
  join(app, 'import-all.mjs'),
  `const specs = ${JSON.stringify(specifiers)};
const loaded = [];
for (const s of specs) { const m = await import(s); loaded.push(s + '=' + Object.keys(m).length); }
console.log(JSON.stringify(loaded));
`,
);
writeFileSync(
  join(app, 'smoke.mjs'),
  `import { BackgroundExecutor } from '@bgtasks/core';
import { createRuntime, RUNTIME_ENTRY } from '@bgtasks/runtime';

const runtime = createRuntime();
const executor = new BackgroundExecutor(runtime);
const consumer = executor.bus.consumer('model');
executor.submit({ id: 'hello', command: 'printf "hi from $0"; exit 3' });
const notice = await consumer.next(AbortSignal.timeout(10_000));
await executor.close();
console.log(JSON.stringify({ entry: RUNTIME_ENTRY, runtime: runtime.name, jobId: notice.jobId, state: notice.state, exitCode: notice.exitCode, tail: notice.tail }));
`,
);

for (const rt of selected) {
  const isNode = rt.name.startsWith('node');
  if (isNode) {
    const version = versionOf(rt.cmd);
    check(`${rt.name} is ${rt.cmd} ${version}`, version.startsWith(`v${rt.name.slice(4)}.`));
  }
  // A \`node\` spawned by name (the bin's shebang, a relaunch) is the same Node.
  const rtEnv = isNode ? { ...env, PATH: [dirname(rt.cmd), env.PATH].join(':') } : env;
  const expected = rt.name.startsWith('node') ? 'node' : rt.name;
  const imported = spawnSync(rt.cmd, [...rt.run, 'import-all.mjs'], { cwd: app, env: rtEnv, encoding: 'utf8', timeout: 60_000 });
  check(
    `${rt.name}: every export subpath loads (${specifiers.length})`,
    imported.status === 0,
    imported.stderr || imported.stdout,
  );

  const smoke = spawnSync(rt.cmd, [...rt.run, 'smoke.mjs'], { cwd: app, env: rtEnv, encoding: 'utf8', timeout: 60_000 });
  let result = {};
  try {
    result = JSON.parse(smoke.stdout.trim().split('\n').pop());
  } catch {}
  check(
    `${rt.name}: a job ends and its notice arrives, from the "${expected}" entry`,
    smoke.status === 0 &&
      result.entry === expected &&
      result.runtime === expected &&
      result.state === 'failed' &&
      result.exitCode === 3 &&
      /hi from/.test(result.tail),
    `${smoke.stderr}\n${smoke.stdout}`,
  );

  const agentBin = join(app, 'node_modules/.bin/bgtasks-agent');
  const cli = spawnSync(rt.cmd, [...rt.run, agentBin, '--scale', '0.05', '--json'], {
    cwd: app,
    env: rtEnv,
    encoding: 'utf8',
    timeout: 120_000,
  });
  let summary = {};
  try {
    summary = JSON.parse(cli.stdout.trim().split('\n').pop());
  } catch {}
  check(
    `${rt.name}: installed bgtasks-agent --scale 0.05 --json ends its turn`,
    cli.status === 0 && summary.stopReason === 'end_turn' && summary.runtime === expected && summary.jobs?.length > 0,
    `${cli.stderr}\n${cli.stdout}`,
  );
}

console.log('\n=== typecheck a consumer with tsc --strict --module nodenext');
writeFileSync(
  join(app, 'consumer.ts'),
  `${specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n')}
import Anthropic from '@anthropic-ai/sdk';
import { runAgent } from '@bgtasks/agent';
import { BackgroundExecutor, type Job, type Notice } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { builtinScenario, createSimModel } from '@bgtasks/sim-model';

export const all = [${specifiers.map((_, i) => `m${i}`).join(', ')}];
const runtime = createRuntime();
const executor = new BackgroundExecutor(runtime);
const job: Job = await executor.submit({ command: 'true' });
const notice: Notice = await executor.bus.consumer('model').next();
const sim = createSimModel(builtinScenario('default'), { clock: runtime });
// The user's own SDK copy is the one the packages take (a peer dependency).
const client: Anthropic = new Anthropic({ apiKey: 'sim', fetch: sim.fetch });
const result = await runAgent({ client, model: 'claude-sonnet-4-6', strategy: 'inject', executor, prompt: 'go' });
export const seen: [string, string, string] = [job.id, notice.state, result.stopReason];
// @ts-expect-error: a JobSpec needs a command
executor.submit({ label: 'no command' });
`,
);
const tsc = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/typescript/bin/tsc'),
    '--strict',
    '--module',
    'nodenext',
    '--noEmit',
    '--lib',
    'es2023,dom',
    'consumer.ts',
  ],
  { cwd: app, env, encoding: 'utf8' },
);
check('tsc --strict --module nodenext consumer.ts (skipLibCheck off)', tsc.status === 0, tsc.stdout + tsc.stderr);

console.log('\n=== deno publish --dry-run (JSR) for each public package');
// --allow-slow-types: core and sim-model export zod schemas whose types are what z.object()
// infers; writing them out by hand would be a second copy of each schema (see docs/install.md).
// --no-check for @bgtasks/mcp: Deno's type checker cannot resolve the MCP SDK's wildcard subpath
// exports (`@modelcontextprotocol/sdk/*` -> `./dist/esm/*`: TS2307 on `.../types.js`); the package
// itself typechecks with tsc and runs on Deno (its tests). See docs/install.md.
const JSR_EXTRA_FLAGS = { '@bgtasks/mcp': ['--no-check'] };
for (const p of packages) {
  const extra = JSR_EXTRA_FLAGS[p.name] ?? [];
  const jsr = spawnSync(
    join(root, 'node_modules/deno/deno'),
    ['publish', '--dry-run', '--allow-slow-types', '--allow-dirty', ...extra],
    {
      cwd: p.dir,
      env: { ...env, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  check(
    `${p.name}: deno publish --dry-run`,
    jsr.status === 0 && /Dry run complete/.test(jsr.stdout + jsr.stderr),
    jsr.stdout + jsr.stderr,
  );
}

finish();

function finish() {
  if (args.includes('--keep')) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}
