#!/usr/bin/env node
// bgtasks-worker: takes jobs from a bgtasks queue on Redis and runs them on this machine.
import process from 'node:process';
import type { JobRegistry, SandboxSpec } from '@bgtasks/core';
import { createJobRegistry } from '@bgtasks/runtime';
import { flagsHelp, numberFlag, parseFlags, sandboxFromFlags, terminalSafe, UsageError } from '@bgtasks/runtime/cli';
import { DEFAULT_REDIS_URL, redactUrl, startWorker } from '../index.ts';
import { WORKER_FLAGS } from '../worker-flags.ts';
import { checkCwdRoot, checkPrefix, checkQueueName, checkRedisUrl, checkStateDir } from './worker-checks.ts';

const HELP = `Usage: bgtasks-worker [options]

Takes jobs from a bgtasks queue on Redis and runs them on this machine (each in its own
process group, with its timeout, bounded output and secret-free environment).

Options:
${flagsHelp(WORKER_FLAGS)}

Exit codes: 0 after --help or --version; 1 Redis unreachable at start, or --sandbox not possible;
2 bad usage (a flag, or a value: --redis not a Redis URL, --queue empty or with ":", --cwd-root not
a directory, --state-dir a file); 143, 130, 129 stopped by SIGTERM, SIGINT, SIGHUP after killing
its jobs.`;

/** This bin's version (the package's). */
const VERSION = '0.1.0';

/** Largest value of the count flags: generous, but never NaN, Infinity or a fraction. */
const COUNT_MAX = { '--concurrency': 10_000, '--global-concurrency': 10_000, '--lock-duration-ms': 86_400_000 };

function count(flag: keyof typeof COUNT_MAX, value: string | boolean | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  return numberFlag(flag.slice(2), value, { min: 1, max: COUNT_MAX[flag], integer: true });
}

/** The flag values that name things outside (see worker-checks.ts); throws a UsageError. */
function checkValues(v: Record<string, string | boolean | string[] | undefined>): void {
  const text = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const redis = text('redis') ?? process.env.BGTASKS_REDIS_URL;
  if (redis !== undefined) checkRedisUrl(redis, text('redis') !== undefined ? '--redis' : '$BGTASKS_REDIS_URL');
  if (text('queue') !== undefined) checkQueueName(text('queue') ?? '');
  if (text('prefix') !== undefined) checkPrefix(text('prefix') ?? '');
  if (text('cwd-root') !== undefined) checkCwdRoot(text('cwd-root') ?? '');
  if (text('state-dir') !== undefined) checkStateDir(text('state-dir') ?? '');
}

let values: Record<string, string | boolean | string[] | undefined>;
let sandbox: SandboxSpec | undefined;
let concurrency: number | undefined;
let globalConcurrency: number | undefined;
let lockDurationMs: number | undefined;
try {
  values = parseFlags(process.argv.slice(2), WORKER_FLAGS).values;
  concurrency = count('--concurrency', values.concurrency);
  globalConcurrency = count('--global-concurrency', values['global-concurrency']);
  lockDurationMs = count('--lock-duration-ms', values['lock-duration-ms']);
  if (values.help !== true && values.version !== true) checkValues(values);
  sandbox = sandboxFromFlags(values);
} catch (error) {
  if (!UsageError.isInstance(error)) throw error;
  process.stderr.write(`bgtasks-worker: ${terminalSafe(error.message)}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
if (values.version) {
  process.stdout.write(`bgtasks-worker ${VERSION}\n`);
  process.exit(0);
}
const str = (name: keyof typeof WORKER_FLAGS) => {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
};

const url = str('redis') ?? process.env.BGTASKS_REDIS_URL ?? DEFAULT_REDIS_URL;
let registry: JobRegistry | undefined;
try {
  const stateDir = str('state-dir');
  registry = stateDir === undefined ? undefined : createJobRegistry({ dir: stateDir });
} catch (error) {
  process.stderr.write(`bgtasks-worker: --state-dir: ${terminalSafe(error instanceof Error ? error.message : String(error))}\n`);
  process.exit(2);
}
// Background errors (mostly Redis going away and coming back) on stderr, each message at most every 10 s.
const lastLogged = new Map<string, number>();
let started = false;
function logError(error: unknown): void {
  // Before "ready", a connection error is the reason of the one line that ends the start.
  if (!started) return;
  const message = error instanceof Error ? error.message : String(error);
  const now = Date.now();
  if ((lastLogged.get(message) ?? 0) > now - 10_000) return;
  lastLogged.set(message, now);
  if (lastLogged.size > 100) lastLogged.clear();
  process.stderr.write(`bgtasks-worker: ${message.replaceAll(url, redactUrl(url))}\n`);
}
try {
  const worker = await startWorker({
    redis: url,
    onError: logError,
    ...(str('queue') !== undefined ? { queue: str('queue') } : {}),
    ...(str('prefix') !== undefined ? { prefix: str('prefix') } : {}),
    ...(str('name') !== undefined ? { name: str('name') } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(globalConcurrency !== undefined ? { globalConcurrency } : {}),
    ...(lockDurationMs !== undefined ? { lockDurationMs } : {}),
    ...(str('cwd-root') !== undefined ? { cwdRoot: str('cwd-root') } : {}),
    ...(sandbox !== undefined ? { sandbox } : {}),
    ...(registry !== undefined ? { registry } : {}),
    ...(str('allow-env') !== undefined ? { allowEnv: (str('allow-env') ?? '').split(',').filter(Boolean) } : {}),
  });
  for (const r of worker.reaped) {
    process.stdout.write(
      `bgtasks-worker: job ${r.jobId} (${r.command}) of dead worker process ${r.hostPid} ${r.killed ? 'was still running and has been killed' : 'had already ended'}\n`,
    );
  }
  started = true;
  process.stdout.write(
    `bgtasks-worker ${worker.name} ready: queue ${str('queue') ?? 'bgtasks'} at ${redactUrl(url)}, concurrency ${concurrency ?? 4}${sandbox ? ', jobs sandboxed' : ''}\n`,
  );
} catch (error) {
  process.stderr.write(`bgtasks-worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
