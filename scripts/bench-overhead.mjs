#!/usr/bin/env node
// npm run bench:overhead [-- --runs N --warmup N --json FILE]: the executor's submit -> notice
// against the runtime's own spawn API called directly for the same `/bin/sh -c true` (own process
// group, pipes drained), interleaved in one process, on Node 20, Node 24, Bun and Deno in turn
// (each in its own process), then one Markdown table of p50 / p95 and their ratios.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { benchRuntimes, flagValue, runBenchEntry, systemNode } from './node-binaries.mjs';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'packages/bench/src/bin/overhead.ts');
const args = process.argv.slice(2);
const source = '--conditions=@bgtasks/source';
const runtimes = benchRuntimes(entry, args);

if (args.includes('--help') || args.includes('-h')) {
  // The flags are the per-runtime entry's (which also validates --json for this script).
  const r = spawnSync(systemNode(), [source, '--import', 'tsx', entry, '--help'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const results = [];
const failed = [];
for (const [name, cmd, argv] of runtimes) {
  const { code, result } = await runBenchEntry(name, cmd, argv, { progress: process.stderr.isTTY === true });
  // Bad input: the entry printed its one line (the same on every runtime); say it once.
  if (code === 2) process.exit(2);
  if (result)
    results.push({ ...result, label: name.startsWith('node') ? `${name} (${result.version})` : `${name} ${result.version}` });
  else failed.push(name);
}
const { overheadTable } = await tsImport('../packages/bench/src/overhead-report.ts', import.meta.url);
console.log(`\n${overheadTable(results.map((r) => ({ ...r, runtime: r.label })))}`);
const [l1, l5, l15] = loadavg().map((n) => n.toFixed(2));
console.log(`Load average ${l1}, ${l5}, ${l15} (1, 5, 15 min) on ${cpus().length} cores: figures are noisy when it is high.`);
for (const name of failed) console.log(`${name}: failed (see above)`);
const file = flagValue(args, 'json');
if (file) writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
process.exit(failed.length === 0 ? 0 : 1);
