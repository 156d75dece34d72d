#!/usr/bin/env node
// npm run bench:scale [-- --jobs N --rounds N]: the executor's throughput at caps 1, 4, 16 against
// the runtime's own spawn API in the same process, notice latency under that load, and memory per
// 1000 finished jobs, on Node, Bun and Deno in turn (each in its own process), then tabulated.
// --json FILE also writes every runtime's result.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchRuntimes, pathFor } from './node-binaries.mjs';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'packages/bench/src/bin/scale.ts');
const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : undefined;
const onlyAt = args.indexOf('--runtime');
const onlyValue = onlyAt >= 0 ? args.splice(onlyAt, 2)[1] : undefined;
if (onlyAt >= 0 && (onlyValue === undefined || onlyValue.startsWith('--') || onlyValue === '')) {
  console.error('--runtime needs a comma-separated list, e.g. --runtime node,bun');
  process.exit(2);
}
const only = onlyValue?.split(',');
if (args.includes('--help')) {
  console.log(
    'usage: npm run bench:scale -- [--jobs N (1000)] [--rounds N (3)] [--runtime node,node24,bun,deno (all)] [--durable] [--json FILE]',
  );
  process.exit(0);
}
const all = benchRuntimes(entry, args, { exposeGc: true });
const unknown = only?.filter((name) => !all.some(([n]) => n === name)) ?? [];
if (unknown.length > 0) {
  console.error(`--runtime: unknown ${unknown.join(', ')}; pick from ${all.map(([n]) => n).join(', ')}`);
  process.exit(2);
}
const runtimes = only ? all.filter(([name]) => only.includes(name)) : all;

function run(name, cmd, argv) {
  process.stderr.write(`measuring on ${name}...\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PATH: pathFor(cmd) },
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch {
        resolve(undefined);
      }
    });
  });
}

const results = [];
for (const [name, cmd, argv] of runtimes) {
  const r = await run(name, cmd, argv);
  if (r) results.push({ ...r, label: name === 'node' || name === 'node24' ? `${name} (${r.version})` : name });
  else console.log(`${name}: failed (see above)`);
}
const f0 = (n) => n.toFixed(0);
const f2 = (n) => n.toFixed(2);
console.log(
  '\n| runtime | cap 1 | cap 4 | cap 16 | notice p50 / p99 ms (cap 4) | RSS per 1000 jobs: first / then (median) / largest later | heap reserved, all batches | heap kept per job | raw spawn loop, first 1000 |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
const mb = (n) => `${n.toFixed(1)}`;
for (const r of results) {
  r.runtime = r.label;
  const cell = (cap) => {
    const row = r.rows.find((x) => x.cap === cap);
    return row ? `${f0(row.executorJobsPerS)} vs ${f0(row.rawJobsPerS)} (${f2(row.ratio)})` : 'n/a';
  };
  const c4 = r.rows.find((x) => x.cap === 4);
  const m = r.memory;
  const later = m.batchesMb.slice(1);
  console.log(
    `| ${r.runtime} | ${cell(1)} | ${cell(4)} | ${cell(16)} | ${c4 ? `${f0(c4.noticeP50Ms)} / ${f0(c4.noticeP99Ms)}` : 'n/a'} | ${mb(m.firstExecutorMb)} / ${mb(m.steadyExecutorMb)} / ${mb(Math.max(...later))} MB | ${m.heapReservedMb === undefined ? 'n/a' : `${mb(m.heapReservedMb)} MB`} | ${m.heapPerJobBytes === undefined ? 'n/a' : `${m.heapPerJobBytes} B`} | ${mb(m.firstRawMb)} MB |`,
  );
}
if (results.some((r) => r.rows.some((x) => x.durableJobsPerS !== undefined))) {
  console.log('\n| runtime | cap | jobs/s: durable vs not (ratio) | notice p50 / p99 ms: durable | not durable |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    for (const row of r.rows) {
      if (row.durableJobsPerS === undefined) continue;
      console.log(
        `| ${r.runtime} | ${row.cap} | ${f0(row.durableJobsPerS)} vs ${f0(row.executorJobsPerS)} (${f2(row.durableJobsPerS / row.executorJobsPerS)}) | ${f0(row.durableNoticeP50Ms)} / ${f0(row.durableNoticeP99Ms)} | ${f0(row.noticeP50Ms)} / ${f0(row.noticeP99Ms)} |`,
      );
    }
  }
}
if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
process.exit(results.length === runtimes.length ? 0 : 1);
