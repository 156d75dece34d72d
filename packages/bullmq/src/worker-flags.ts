/**
 * Flags of `bgtasks-worker`, declared once for the parser and for `--help` (the shared
 * vocabulary of `@bgtasks/runtime/cli`).
 */
import { type FlagSpecs, SANDBOX_FLAGS } from '@bgtasks/runtime/cli';
import { DEFAULT_REDIS_URL } from './internal/connection.ts';

export const WORKER_FLAGS = {
  redis: {
    type: 'string',
    value: 'URL',
    default: `$BGTASKS_REDIS_URL, else ${DEFAULT_REDIS_URL}`,
    description: 'Redis URL; prefer the variable for a URL with a password\n(argv is visible in ps)',
  },
  queue: { type: 'string', value: 'NAME', default: 'bgtasks', description: 'queue name' },
  prefix: { type: 'string', value: 'PREFIX', default: 'bgtasks', description: 'BullMQ key prefix' },
  concurrency: { type: 'string', value: 'N', default: '4', description: 'jobs this worker runs at once' },
  'global-concurrency': {
    type: 'string',
    value: 'N',
    default: "the queue's current cap",
    description: "set the queue's cap on jobs running at once across all workers",
  },
  name: { type: 'string', value: 'NAME', default: 'a random one', description: "this worker's name" },
  'lock-duration-ms': {
    type: 'string',
    value: 'MS',
    default: '30000',
    description: 'a worker silent this long has its jobs declared lost',
  },
  'cwd-root': { type: 'string', value: 'DIR', default: 'none', description: 'confine jobs to this directory' },
  'allow-env': {
    type: 'string',
    value: 'NAME[,NAME]',
    default: 'none',
    description: 'secret-looking variables to pass to jobs anyway',
  },
  'state-dir': {
    type: 'string',
    value: 'DIR',
    default: 'none',
    description:
      'record running job groups here; a worker started after one was\nSIGKILLed kills the groups it left (share it between workers)',
  },
  ...SANDBOX_FLAGS,
  help: { type: 'boolean', short: 'h', description: 'show this help' },
  version: { type: 'boolean', short: 'v', description: 'the version' },
} as const satisfies FlagSpecs;
