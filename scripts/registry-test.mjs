#!/usr/bin/env node
// The release path, proven against a real registry (Verdaccio 6.8.0 on loopback, no uplinks: it
// holds @bgtasks/* only; everything else comes from the machine's own npm registry):
//   1. `changeset publish` every public package to it (as the release workflow does on npm);
//   2. in a fresh project made by `npm init -y` (so "type" is what npm writes), run the install
//      lines of docs/your-agent.md *by package name*, then the docs' TypeScript blocks as written
//      (install.md's first job, your-agent.md's first job and its agent loop on the simulated model)
//      with the run lines your-agent.md gives: Node 20, Node 24, Bun and Deno;
//   3. start `bgtasks-mcp` from every config docs/mcp.md shows (`claude mcp add ... -- CMD` lines and
//      `mcpServers` JSON), from cwd `/` with nothing installed there, and list its tools.
// Ends with one line "N passed, N failed". Flags: --no-build (dist is built), --keep (leave the temp dir).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { codeBlocks, mcpConfigs, runLines, section } from './docs/doc-blocks.mjs';
import { node24, systemNode, versionOf } from './node-binaries.mjs';
import { packAll, publicPackages } from './pack-local.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const started = Date.now();
const only = (process.env.BGTASKS_RUNTIMES ?? '').split(',').filter(Boolean);
const wanted = (name) => only.length === 0 || only.includes(name) || (name === 'node20' && only.includes('node'));

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  const why = !ok && detail ? `\n     ${String(detail).trim().split('\n').slice(-15).join('\n     ')}` : '';
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${why}`);
  return ok;
}

const work = mkdtempSync(join(tmpdir(), 'bgtasks-registry-'));
let verdaccio;
process.on('exit', () => verdaccio?.kill('SIGTERM'));

// A user's environment: nothing of the repository on PATH, no source condition, no API key.
const env = { ...process.env };
for (const k of ['NODE_OPTIONS', 'DENO_CONDITIONS', 'BUN_OPTIONS', 'ANTHROPIC_API_KEY', 'FORCE_COLOR']) delete env[k];
for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
env.NO_COLOR = '1';
env.PATH = [dirname(systemNode()), ...(env.PATH ?? '').split(':').filter((d) => !d.includes('node_modules'))].join(':');
env.XDG_STATE_HOME = join(work, 'state');
// Its own npm cache: npx keys its installs by package spec, and a cache of an earlier run would hold
// an older @bgtasks/mcp 0.1.0.
env.npm_config_cache = join(work, 'npm-cache');
env.npm_config_update_notifier = 'false';
env.npm_config_fund = 'false';
env.npm_config_audit = 'false';

try {
  await main();
} catch (error) {
  check('registry test ran to the end', false, `${error?.stack ?? error}\n${error?.cause ?? ''}`);
}
finish();

async function main() {
  if (!args.includes('--no-build')) {
    console.log('=== build');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  }

  // In a clone, `npm ci && npm run build` links the workspace bins (scripts/link-bins.mjs), which
  // docs/bullmq.md and mcp.md run from the repository.
  const bins = ['bgtasks-agent', 'bgtasks-mcp', 'bgtasks-sim', 'bgtasks-worker'];
  const unlinked = bins.filter((b) => !existsSync(join(root, 'node_modules/.bin', b)));
  check(`after the build, node_modules/.bin has ${bins.join(', ')}`, unlinked.length === 0, `missing: ${unlinked.join(', ')}`);

  console.log('=== verdaccio 6.8.0 on loopback');
  const port = await freePort();
  const registry = `http://127.0.0.1:${port}/`;
  const storage = join(work, 'verdaccio');
  mkdirSync(storage);
  writeFileSync(
    join(storage, 'config.yaml'),
    [
      `storage: ${join(storage, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(storage, 'htpasswd')}`,
      '    max_users: 10',
      'uplinks: {}',
      'packages:',
      "  '@bgtasks/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      'log: { type: stdout, format: pretty, level: error }',
      '',
    ].join('\n'),
  );
  verdaccio = spawn(
    systemNode(),
    [
      join(root, 'node_modules/verdaccio/bin/verdaccio'),
      '--config',
      join(storage, 'config.yaml'),
      '--listen',
      `127.0.0.1:${port}`,
    ],
    { cwd: storage, env: { ...env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let verdaccioLog = '';
  verdaccio.stdout.on('data', (d) => (verdaccioLog += d));
  verdaccio.stderr.on('data', (d) => (verdaccioLog += d));
  const up = await waitFor(async () => (await fetch(`${registry}-/ping`)).ok, 30_000);
  if (!check(`verdaccio answers on ${registry}`, up, verdaccioLog)) return;

  // A user for publishing (htpasswd), and the npm config that sends @bgtasks/* to Verdaccio.
  const user = await fetch(`${registry}-/user/org.couchdb.user:ci`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ci', password: 'ci-password-1', type: 'user', roles: [] }),
  });
  const { token } = await user.json();
  const npmrc = join(work, 'npmrc');
  const host = registry.replace(/^http:/, '');
  writeFileSync(npmrc, `@bgtasks:registry=${registry}\n${host}:_authToken=${token}\n`);
  env.NPM_CONFIG_USERCONFIG = npmrc;

  console.log('=== changeset publish');
  const publish = spawnSync(join(root, 'node_modules/.bin/changeset'), ['publish', '--no-git-tag'], {
    cwd: root,
    // prepack would compile again; the build above is what ships.
    env: { ...env, 'npm_config_@bgtasks:registry': registry, npm_config_ignore_scripts: 'true', CI: 'true' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (args.includes('--verbose')) console.log(publish.stdout, publish.stderr, verdaccioLog);
  const publicNames = publicPackages().map((p) => p.name);
  const missing = [];
  for (const name of publicNames) {
    const info = spawnSync('npm', ['view', name, 'version'], { cwd: work, env, encoding: 'utf8' });
    if (info.status !== 0) missing.push(name);
  }
  check(
    `changeset publish: all ${publicNames.length} public packages on the registry`,
    publish.status === 0 && missing.length === 0,
    `missing: ${missing.join(', ')}\n${publish.stderr}\n${publish.stdout}`,
  );
  if (missing.length > 0) return;

  await consumerProject();
  await mcpFromDocs();
  fromClone();
}

/** Until the first release: your-agent.md's "from a clone" lines, tarballs from `npm run pack:local`. */
function fromClone() {
  console.log('\n=== docs/your-agent.md section 1 from a clone: pack:local tarballs, npm init -y, Node 20');
  const clone = join(work, 'clone');
  packAll(join(clone, 'bgtasks', '.packs'), env);
  const block = codeBlocks(section(readFileSync(join(root, 'docs/your-agent.md'), 'utf8'), '## 1.'), 'sh').find((b) =>
    b.includes('.packs/'),
  );
  // One shell, as a user types them (the `cd` carries over); the pack:local line ran above.
  const script = ['set -e', ...runLines(block).filter((l) => !l.includes('pack:local'))].join('\n');
  const noScope = { ...env, NPM_CONFIG_USERCONFIG: join(work, 'no-npmrc') }; // nothing of ours on a registry
  const install = spawnSync('sh', ['-c', script], { cwd: clone, env: noScope, encoding: 'utf8', timeout: 300_000 });
  if (!check('the tarball lines install', install.status === 0, `${script}\n${install.stderr}`)) return;
  const app = join(clone, 'my-agent');
  const first = codeBlocks(section(readFileSync(join(root, 'docs/your-agent.md'), 'utf8'), '## 2.'), 'ts')[0];
  writeFileSync(join(app, 'my-agent.mts'), first);
  const out = spawnSync('sh', ['-c', 'npx tsx my-agent.mts'], { cwd: app, env: noScope, encoding: 'utf8', timeout: 120_000 });
  check(
    'npx tsx my-agent.mts: the first job ends, from the tarballs',
    /^build completed 0 built$/m.test(out.stdout),
    `${out.stderr}\n${out.stdout}`,
  );
}

/** docs/your-agent.md section 1, as written, in a project made by `npm init -y`. */
async function consumerProject() {
  console.log('\n=== a project of ones own: npm init -y, then docs/your-agent.md section 1');
  const app = join(work, 'my-agent');
  mkdirSync(app);
  const sh = (line, timeout = 300_000) => spawnSync('sh', ['-c', line], { cwd: app, env, encoding: 'utf8', timeout });
  const init = sh('npm init -y');
  check('npm init -y', init.status === 0, init.stderr);
  const type = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).type ?? '(none)';
  console.log(`     package.json "type": ${type}`);

  const yourAgent = readFileSync(join(root, 'docs/your-agent.md'), 'utf8');
  const install = readFileSync(join(root, 'docs/install.md'), 'utf8');
  const step1 = section(yourAgent, '## 1.');
  const shBlocks = codeBlocks(step1, 'sh');
  const installBlock = shBlocks.find((b) => /^npm install @bgtasks\//m.test(b));
  const runBlock = shBlocks.find((b) => /my-agent\.m?ts/.test(b));
  for (const line of runLines(installBlock)) {
    const out = sh(line);
    check(`${line}`, out.status === 0, out.stderr);
  }

  // The blocks, saved under the file name the page gives.
  const fileName = /(my-agent\.m?ts)/.exec(runBlock)?.[1] ?? 'my-agent.mts';
  const programs = [
    ['install.md: the first job', codeBlocks(section(install, '## Node'), 'ts')[0], /^build completed 0 built$/m],
    ['your-agent.md 2: a first background job', codeBlocks(section(yourAgent, '## 2.'), 'ts')[0], /^build completed 0 built$/m],
    [
      'your-agent.md 4: runAgent with each strategy on the simulated model',
      codeBlocks(section(yourAgent, '## 4.'), 'ts')[0],
      /^block: end_turn[\s\S]*^poll: end_turn[\s\S]*^inject: end_turn/m,
    ],
  ];
  const runtimes = [
    { name: 'node20', match: /^npx tsx /, cmd: (l) => l, version: versionOf(systemNode()) },
    { name: 'node24', match: /^node /, cmd: (l) => l.replace(/^node /, `${node24} `), version: versionOf(node24) },
    { name: 'bun', match: /^bun /, cmd: (l) => l.replace(/^bun /, `${join(root, 'node_modules/bun/bin/bun.exe')} `) },
    { name: 'deno', match: /^deno /, cmd: (l) => l.replace(/^deno /, `${join(root, 'node_modules/deno/deno')} `) },
  ];
  const lines = runLines(runBlock);
  for (const rt of runtimes) {
    if (!wanted(rt.name)) continue;
    const line = lines.find((l) => rt.match.test(l));
    if (!check(`${rt.name}: your-agent.md gives a run line`, Boolean(line), lines.join('\n'))) continue;
    for (const [what, code, expected] of programs) {
      writeFileSync(join(app, fileName), code);
      const out = sh(rt.cmd(line), 180_000);
      check(
        `${rt.name}${rt.version ? ` ${rt.version}` : ''}: \`${line}\` runs ${what}`,
        out.status === 0 && expected.test(out.stdout),
        `${out.stderr}\n${out.stdout}`,
      );
    }
  }
}

/** Every MCP config docs/mcp.md shows, started as a client would: cwd `/`, nothing installed there. */
async function mcpFromDocs() {
  console.log('\n=== docs/mcp.md: every config starts bgtasks-mcp from / and lists its tools');
  const jobsDir = join(work, 'repo');
  mkdirSync(jobsDir);
  const configs = mcpConfigs(readFileSync(join(root, 'docs/mcp.md'), 'utf8'), {
    '/path/to/bgtasks': root.replace(/\/$/, ''),
    '/path/to/repo': jobsDir,
  });
  check(`docs/mcp.md shows configs (${configs.length})`, configs.length >= 3);
  // The tools of the built @bgtasks/polling (the server's own list): the descriptors, never run.
  const { pollingTools } = await import(join(root, 'packages/polling/dist/index.js'));
  const expectedTools = pollingTools({})
    .tools.map((t) => t.name)
    .sort();
  for (const { label, command, args: argv } of configs) {
    const transport = new StdioClientTransport({ command, args: argv, cwd: '/', env, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (d) => (stderr += d));
    const client = new Client({ name: 'registry-test', version: '0' });
    try {
      await withTimeout(client.connect(transport), 180_000);
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name).sort();
      check(
        `${label}: lists ${names.join(', ')}`,
        JSON.stringify(names) === JSON.stringify(expectedTools),
        `expected ${expectedTools.join(', ')}`,
      );
    } catch (error) {
      check(`${label}: starts and lists its tools`, false, `${error}\n${stderr}`);
    } finally {
      await client.close().catch(() => {});
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(probe, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if (await probe()) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function finish() {
  verdaccio?.kill('SIGTERM');
  if (args.includes('--keep')) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(`registry test took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}
