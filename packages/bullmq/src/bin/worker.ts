#!/usr/bin/env node
// bgtasks-worker: takes jobs from a bgtasks queue on Redis and runs them on this machine.
import process from 'node:process';
import { parseArgs } from 'node:util';
import { createJobRegistry } from '@bgtasks/runtime';
import { DEFAULT_REDIS_URL, redactUrl, startWorker } from '../index.ts';

const HELP = `Usage: bgtasks-worker [options]

Takes jobs from a bgtasks queue on Redis and runs them on this machine (each in its own
process group, with its timeout, bounded output and secret-free environment).

Options:
  --redis URL                Redis URL (default: $BGTASKS_REDIS_URL, else ${DEFAULT_REDIS_URL});
                             prefer the variable for a URL with a password (argv is visible in ps)
  --queue NAME               queue name (default bgtasks)
  --prefix PREFIX            BullMQ key prefix (default bgtasks)
  --concurrency N            jobs this worker runs at once (default 4)
  --global-concurrency N     set the queue's cap on jobs running at once across all workers
  --name NAME                this worker's name (default a random one)
  --lock-duration-ms MS      a worker silent this long has its jobs declared lost (default 30000)
  --cwd-root DIR             confine jobs to this directory
  --allow-env NAME[,NAME]    secret-looking variables to pass to jobs anyway
  --state-dir DIR            record running job groups here; a worker started after one was
                             SIGKILLed kills the groups it left (share it between workers)
  -h, --help                 show this help

Exit codes: 0 stopped by SIGINT/SIGTERM after killing its jobs, 1 Redis unreachable, 2 bad usage.`;

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`bgtasks-worker: ${flag} must be a whole number greater than 0, got "${value}"\n`);
    process.exit(2);
  }
  return n;
}

let values: ReturnType<typeof parse>['values'];
function parse() {
  return parseArgs({
    options: {
      redis: { type: 'string' },
      queue: { type: 'string' },
      prefix: { type: 'string' },
      concurrency: { type: 'string' },
      'global-concurrency': { type: 'string' },
      name: { type: 'string' },
      'lock-duration-ms': { type: 'string' },
      'cwd-root': { type: 'string' },
      'allow-env': { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}
try {
  values = parse().values;
} catch (error) {
  process.stderr.write(`bgtasks-worker: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const concurrency = count('--concurrency', values.concurrency);
const globalConcurrency = count('--global-concurrency', values['global-concurrency']);
const lockDurationMs = count('--lock-duration-ms', values['lock-duration-ms']);
const url = values.redis ?? process.env.BGTASKS_REDIS_URL ?? DEFAULT_REDIS_URL;
// Background errors (mostly Redis going away and coming back) on stderr, each message at most every 10 s.
const lastLogged = new Map<string, number>();
function logError(error: unknown): void {
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
    ...(values.queue !== undefined ? { queue: values.queue } : {}),
    ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(globalConcurrency !== undefined ? { globalConcurrency } : {}),
    ...(lockDurationMs !== undefined ? { lockDurationMs } : {}),
    ...(values['cwd-root'] !== undefined ? { cwdRoot: values['cwd-root'] } : {}),
    ...(values['state-dir'] !== undefined ? { registry: createJobRegistry({ dir: values['state-dir'] }) } : {}),
    ...(values['allow-env'] !== undefined ? { allowEnv: values['allow-env'].split(',').filter(Boolean) } : {}),
  });
  for (const r of worker.reaped) {
    process.stdout.write(
      `bgtasks-worker: job ${r.jobId} (${r.command}) of dead worker process ${r.hostPid} ${r.killed ? 'was still running and has been killed' : 'had already ended'}\n`,
    );
  }
  process.stdout.write(
    `bgtasks-worker ${worker.name} ready: queue ${values.queue ?? 'bgtasks'} at ${redactUrl(url)}, concurrency ${concurrency ?? 4}\n`,
  );
} catch (error) {
  process.stderr.write(`bgtasks-worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
