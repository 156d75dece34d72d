// Entry point of `npm run bench:real-jobs`: W8 (this repository's own install, typecheck, lint and
// core tests on a temporary copy) under each strategy in real time at full scale, on one or more
// runtimes in turn; rows merged into DIR/results.json, DIR/w8-runs.json and DIR/report-w8.md.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime } from '@bgtasks/runtime';
import { runtimeCommand, UsageError } from '@bgtasks/runtime/cli';
import { parseRealJobsArgs, REAL_JOBS_HELP, type RealJobsArgs } from '../real-jobs-args.ts';
import { mergeRows, mergeRuns, realJobsReport, type StoredRealJobsRun } from '../real-jobs-report.ts';
import type { ResultRow } from '../result-row.ts';
import { runRealJobs } from '../run-real-jobs.ts';
import { makeRepoCopy, removeRepoCopy } from './repo-copy.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const entry = fileURLToPath(import.meta.url);

function usage(message: string): never {
  process.stderr.write(`bench:real-jobs: ${message}\n`);
  process.exit(2);
}

let args: RealJobsArgs;
try {
  args = parseRealJobsArgs(process.argv.slice(2));
} catch (error) {
  if (!UsageError.isInstance(error)) throw error;
  usage(error.message);
}
if (args.help) {
  console.log(REAL_JOBS_HELP);
  process.exit(0);
}

const runtime = createRuntime();
const runtimes = args.runtimes.length > 0 ? args.runtimes : [runtime.name as 'node' | 'bun' | 'deno'];
const out = resolve(args.out);
mkdirSync(out, { recursive: true });

function readJson(file: string): unknown {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
}

// The rows are merged into what DIR holds: check it now, not after the first run's minutes.
for (const [file, merge] of [
  ['results.json', mergeRows],
  ['w8-runs.json', mergeRuns],
] as const) {
  try {
    merge(readJson(join(out, file)), []);
  } catch {
    usage(`--out ${args.out}: ${file} there is not a list of rows this command can add to; pick another --out`);
  }
}

let copy: string | undefined;
const owned = args.copy === undefined;

// Ctrl-C / SIGTERM (hooked before the copy is made): stop the run (the executor's own hook kills
// the jobs' process groups), let a runtime child stop too, then remove the copy. The runtime runs
// these hooks, then exits (130 on SIGINT).
const controller = new AbortController();
let current: Promise<unknown> | undefined;
let child: ChildProcess | undefined;
let childExited: Promise<unknown> | undefined;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
let stoppedBy: string | undefined;
runtime.onShutdown(async (reason) => {
  if (reason !== 'exit') {
    stoppedBy = reason;
    controller.abort();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([Promise.allSettled([current, childExited]), pause(2_500)]);
  }
  if (owned && copy !== undefined) removeRepoCopy(copy);
});

if (args.copy !== undefined) {
  if (!existsSync(join(args.copy, 'package-lock.json')))
    usage(`--copy ${args.copy} has no package-lock.json: not a copy of this repository; see --help`);
  copy = args.copy;
} else {
  const made = makeRepoCopy(root);
  copy = made.dir;
  process.stderr.write(`W8: copy of HEAD ${made.commit.slice(0, 10)} in ${copy}\n`);
}
const dir: string = copy;
const commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

function persist(row: ResultRow, run: StoredRealJobsRun): void {
  const resultsFile = join(out, 'results.json');
  const runsFile = join(out, 'w8-runs.json');
  const rows = mergeRows(readJson(resultsFile), [row]);
  const runs = mergeRuns(readJson(runsFile), [run]);
  writeFileSync(resultsFile, `${JSON.stringify(rows, null, 2)}\n`);
  writeFileSync(runsFile, `${JSON.stringify(runs, null, 2)}\n`);
  writeFileSync(
    join(out, 'report-w8.md'),
    realJobsReport(rows, runs, {
      notes: [
        `Copy of commit ${commit.slice(0, 10)}; ${args.strategies.length} strategies per runtime; rows in results.json (workload W8, clock real, scale 1), measured jobs in w8-runs.json.`,
      ],
    }),
  );
}

async function runHere(): Promise<boolean> {
  process.stderr.write(`W8 on ${runtime.name}: ${args.strategies.join(', ')} (each takes minutes)\n`);
  let before = loadavg()[0] ?? 0;
  let ok = true;
  current = runRealJobs({
    dir,
    strategies: args.strategies,
    runtimeName: runtime.name,
    runtime,
    signal: controller.signal,
    onRun: (row, run) => {
      const after = loadavg()[0] ?? 0;
      persist(row, { ...run, load: { before, after } });
      const jobs = run.jobs.map((j) => `${j.id} ${j.durationMs === null ? '-' : (j.durationMs / 1000).toFixed(1)} s`).join(', ');
      process.stderr.write(
        `W8 ${runtime.name} ${row.strategy}: makespan ${(row.makespanMs / 1000).toFixed(1)} s, bound ${(row.lowerBoundMs / 1000).toFixed(1)} s (${jobs}); load ${before.toFixed(2)} -> ${after.toFixed(2)}; ${row.stopReason}\n`,
      );
      if (row.stopReason !== 'end_turn') ok = false;
      before = after;
    },
  });
  await current;
  return ok;
}

function runChild(name: 'node' | 'bun' | 'deno'): Promise<boolean> {
  const [cmd, argv] = runtimeCommand(name, entry, [
    '--out',
    out,
    '--strategies',
    args.strategies.join(','),
    '--copy',
    dir,
    '--runtime',
    name,
  ]);
  const proc = spawn(cmd, argv, { cwd: process.cwd(), stdio: 'inherit' });
  child = proc;
  const exited = new Promise<boolean>((done) => {
    proc.on('error', (error) => {
      process.stderr.write(`bench:real-jobs: could not start ${name}: ${error.message}\n`);
      done(false);
    });
    proc.on('exit', (code) => done(code === 0));
  });
  childExited = exited;
  return exited;
}

let ok = true;
try {
  for (const name of runtimes) {
    if (controller.signal.aborted) break;
    ok = (name === runtime.name ? await runHere() : await runChild(name)) && ok;
  }
} catch (error) {
  // Stopped by a signal: the run has closed its executor (jobs killed); exit as the shell expects.
  if (!controller.signal.aborted) throw error;
} finally {
  if (owned) removeRepoCopy(dir);
}
if (stoppedBy !== undefined) {
  if (child && child.exitCode === null && child.signalCode === null) await childExited;
  process.stderr.write(`W8: stopped by ${stoppedBy}${owned ? '; copy removed' : ''}\n`);
  process.exit(({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as Record<string, number>)[stoppedBy] ?? 130);
}
if (owned) process.stderr.write(`wrote ${join(out, 'results.json')}, w8-runs.json and report-w8.md\n`);
process.exit(ok ? 0 : 1);
