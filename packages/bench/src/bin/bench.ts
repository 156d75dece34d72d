// Entry point of `npm run bench`: every workload under every strategy, in virtual time (and, with
// --clock real, in real time at a reduced scale), written as results.json, report.md and SVGs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRICES_SOURCE, priceFor } from '@bgtasks/agent';
import { createRuntime } from '@bgtasks/runtime';
import { runtimeCommand, UsageError, withoutFlag } from '@bgtasks/runtime/cli';
import { costChart, makespanChart, tokensChart } from '../charts.ts';
import { BENCH_HELP, type BenchArgs, parseBenchArgs } from '../cli-args.ts';
import { missesText, peerMisses } from '../peer-report.ts';
import { progressBar, progressLine } from '../progress.ts';
import { markdownReport } from '../report.ts';
import { isRandomGraph } from '../report-w7.ts';
import type { ResultRow } from '../result-row.ts';
import { runBench } from '../run-bench.ts';
import { BENCH_MODEL } from '../run-workload.ts';
import { checkTargets, summaryTable, targetsMarkdown } from '../summary.ts';
import { whatToChoose } from '../what-to-choose.ts';
import { loadWorkloads } from './load-workloads.ts';
import { startWorkerPool } from './worker-pool.ts';

const entry = fileURLToPath(import.meta.url);

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  if (!UsageError.isInstance(error)) throw error;
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(2);
}
if (args.help) {
  console.log(BENCH_HELP);
  process.exit(0);
}

const runtime = createRuntime();
if (args.runtime && args.runtime !== runtime.name) {
  // Re-run under the asked runtime from the installed packages, without --runtime.
  const [cmd, cmdArgs] = runtimeCommand(args.runtime, entry, withoutFlag(process.argv.slice(2), 'runtime'));
  const child = spawnSync(cmd, cmdArgs, { cwd: process.cwd(), stdio: 'inherit' });
  if (child.error) process.stderr.write(`bench: could not start ${args.runtime}: ${child.error.message}\n`);
  process.exit(child.status ?? 1);
}

const tty = process.stderr.isTTY === true;
const onRun = (clock: string) => (done: number, total: number, row: ResultRow) => {
  const label = `${clock} ${row.workload} ${row.strategy}`;
  if (tty) process.stderr.write(`\r${progressBar(done, total, label).padEnd(78)}${done === total ? '\n' : ''}`);
  else process.stderr.write(`${progressLine(done, total, label, row.makespanMs)}\n`);
};

const workloads = loadWorkloads(args.workloads, args.randomGraphs);
if (workloads.length === 0) {
  process.stderr.write('bench: no workload matches --workloads\n');
  process.exit(2);
}
const common = { workloads, strategies: args.strategies, runtimeName: runtime.name, systemTokens: args.systemTokens };
// --jobs 1 runs the virtual suite in this process; N > 1 in N worker processes (this one only
// hands out runs), never more processes than runs.
const jobs = Math.min(args.jobs ?? availableParallelism(), workloads.length * args.strategies.length);
const hostRuntime = runtime.name === 'virtual' ? 'node' : runtime.name;
const pool = jobs > 1 ? startWorkerPool(jobs, hostRuntime, runtime.name, args.systemTokens) : undefined;
const started = performance.now();
let rows: ResultRow[];
try {
  rows = await runBench({ ...common, clock: 'virtual', onRun: onRun('virtual'), ...(pool ? { runners: pool.runners } : {}) });
} finally {
  await pool?.close();
}
const virtualWallMs = performance.now() - started;
process.stderr.write(
  `virtual suite: ${rows.length} runs in ${(virtualWallMs / 1000).toFixed(1)} s on ${runtime.name}, ${pool ? `${jobs} worker processes` : 'in one process'}\n`,
);
if (args.clock === 'real') {
  const t = performance.now();
  // Every scenario workload, and the first --real-graphs W7 graphs: a real run takes its makespan.
  let graphs = 0;
  const realWorkloads = workloads.filter((w) => !isRandomGraph(w.id) || graphs++ < args.realGraphs);
  rows.push(
    ...(await runBench({
      ...common,
      workloads: realWorkloads,
      clock: 'real',
      scale: args.scale,
      runtime,
      concurrency: args.concurrency,
      onRun: onRun('real'),
    })),
  );
  process.stderr.write(`real-time suite: ${(performance.now() - t) / 1000} s at scale ${args.scale}\n`);
}

const out = resolve(args.out);
mkdirSync(out, { recursive: true });
const virtual = rows.filter((r) => r.clock === 'virtual');
const charts = ['makespan.svg', 'tokens.svg', 'cost.svg'];
writeFileSync(join(out, 'makespan.svg'), makespanChart(virtual));
writeFileSync(join(out, 'tokens.svg'), tokensChart(virtual));
writeFileSync(join(out, 'cost.svg'), costChart(virtual));
const real = rows.filter((r) => r.clock === 'real');
if (real.length > 0) {
  charts.push('makespan-real.svg');
  writeFileSync(
    join(out, 'makespan-real.svg'),
    makespanChart(real, `Makespan against the lower bound (real time, scale ${args.scale}, rescaled)`),
  );
}
const summary = summaryTable(virtual);
const targets = targetsMarkdown(checkTargets(rows, { virtualWallMs }));
const choose = whatToChoose(virtual);
const price = priceFor(BENCH_MODEL);
const priceNote = price
  ? `${BENCH_MODEL} at $${price.input.toFixed(2)} input, $${price.cacheWrite5m.toFixed(2)} 5-minute cache write, $${price.cacheRead.toFixed(2)} cache read, $${price.output.toFixed(2)} output per million tokens; ${PRICES_SOURCE.title}, ${PRICES_SOURCE.url}, checked ${PRICES_SOURCE.checked.date}`
  : `${BENCH_MODEL}: no list price known`;
const systemTokens = virtual[0]?.systemTokens ?? 0;
writeFileSync(join(out, 'results.json'), `${JSON.stringify(rows, null, 2)}\n`);
writeFileSync(
  join(out, 'report.md'),
  markdownReport(rows, {
    title: 'bgtasks benchmark: block vs poll vs inject, and the peers',
    notes: [
      `Runtime ${runtime.name}; ${workloads.length} workloads x ${args.strategies.length} strategies; virtual suite ${(virtualWallMs / 1000).toFixed(1)} s wall.` +
        ' Times in seconds; efficiency = lower bound / makespan; input tokens in the summary are all input (uncached + cache write + cache read).',
      '',
      `Prompt: a ${systemTokens}-token system prompt (\`--system-tokens\`) plus each strategy's tools, with cache breakpoints on the last tool, the system prompt and the newest message (5-minute TTL). Cost: ${priceNote}.`,
      '',
      '## Summary, virtual time',
      '',
      summary,
      '',
      '## What to choose',
      '',
      choose,
      '',
      '## Targets',
      '',
      targets,
    ],
    charts,
    costNote: price ? `${BENCH_MODEL} list prices` : 'no list price',
  }),
);
console.log(summary);
console.log('');
console.log(choose);
console.log('');
console.log(targets);
console.log('');
console.log(missesText(peerMisses(virtual)));
console.log(`\nwrote ${join(out, 'results.json')}, report.md and ${charts.join(', ')}`);
