/**
 * Command-line flags of `bgtasks-agent`, declared once for the parser and for `--help` (see
 * `@bgtasks/runtime/cli`), then validated so every mistake is one {@link UsageError} line and
 * exit code 2.
 */
import type { SandboxSpec } from '@bgtasks/core';
import {
  choiceFlag,
  type FlagSpecs,
  numberFlag,
  parseFlags,
  SANDBOX_FLAGS,
  sandboxFromFlags,
  UsageError,
} from '@bgtasks/runtime/cli';
import { LOOP_NAMES, type LoopName } from './loops/index.ts';

export { UsageError };

export const STRATEGIES = ['block', 'poll', 'inject'] as const;
export const RUNTIMES = ['node', 'bun', 'deno'] as const;
export const BACKENDS = ['local', 'bullmq'] as const;
export const POLL_POLICY_NAMES = ['every_turn', 'backoff', 'bg_wait'] as const;
/** Largest `--max-turns`. */
export const MAX_TURNS_LIMIT = 10_000;
/** Largest `--workers`. */
export const MAX_WORKERS = 64;
/** `--redis` when not given. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** `--queue` when not given. */
export const DEFAULT_QUEUE = 'bgtasks';

/** Every flag, in the order `--help` lists them. `%...%` is filled in by the help text. */
export const AGENT_FLAGS = {
  notify: {
    type: 'string',
    short: 'n',
    value: 'block|poll|inject',
    default: 'inject',
    description: `how the model learns a job ended
block:  every command runs in the foreground (baseline)
poll:   the model calls check_bg / bg_wait when it wants to know
inject: notices ride the next tool_result; a wake-up when idle`,
  },
  loop: {
    type: 'string',
    value: LOOP_NAMES.join('|'),
    default: LOOP_NAMES[0],
    description: `whose agent loop runs
own:         bgtasks' runAgent
tool-runner: the Anthropic SDK's toolRunner with bgTools + withNotices
ai-sdk:      the Vercel AI SDK's generateText/streamText with
             @bgtasks/ai-sdk (bgTools, withNotices, wake-up)`,
  },
  poll: {
    type: 'string',
    value: 'every_turn|backoff|bg_wait',
    default: "the scenario's policy.poll",
    description: 'simulated model only: how it polls under --notify poll',
  },
  scale: {
    type: 'string',
    value: 'F',
    default: '1, real-world pace',
    description:
      'simulated model only: job durations and model pacing times F,\nmore than 0 and at most 10 (0.1 runs ten times faster)',
  },
  runtime: {
    type: 'string',
    value: 'node|bun|deno',
    default: 'the one running it',
    description: 're-run this CLI under that runtime (from the installed packages)',
  },
  scenario: {
    type: 'string',
    short: 's',
    value: 'NAME|FILE',
    default: 'default',
    description: 'simulated model scenario: a built-in name or a .json/.yaml file;\nbuilt-in: %SCENARIOS%',
  },
  model: {
    type: 'string',
    short: 'm',
    value: 'ID',
    default: '%MODEL% with a key; simulated without',
    description: 'model id',
  },
  'max-turns': {
    type: 'string',
    value: 'N',
    default: "the scenario's maxTurns + 1 when simulated, 50 on Claude",
    description: `stop after N model requests (1 to ${MAX_TURNS_LIMIT})`,
  },
  cwd: {
    type: 'string',
    value: 'DIR',
    default: '.',
    description: "run jobs in DIR; a job's cwd may not leave it",
  },
  backend: {
    type: 'string',
    value: 'local|bullmq',
    default: 'local',
    description: 'where jobs run: this process, or bgtasks-worker processes on Redis',
  },
  redis: {
    type: 'string',
    value: 'URL',
    default: `$BGTASKS_REDIS_URL, else ${DEFAULT_REDIS_URL}`,
    description: 'bullmq: the Redis URL',
  },
  queue: {
    type: 'string',
    value: 'NAME',
    default: DEFAULT_QUEUE,
    description: 'bullmq: the queue name (1-64 letters, digits, ".", "_" or "-")',
  },
  workers: {
    type: 'string',
    value: 'N',
    default: '0, use running ones; with none running it says so and exits 2',
    description: `bullmq: start N local worker processes (0 to ${MAX_WORKERS})`,
  },
  transcript: {
    type: 'string',
    value: 'FILE.jsonl',
    default: 'none',
    description: 'write every event and the final conversation as JSON lines',
  },
  ...SANDBOX_FLAGS,
  json: { type: 'boolean', default: 'off', description: 'print only a machine-readable summary on stdout' },
  stream: { type: 'boolean', default: 'off', description: 'stream model responses (server-sent events)' },
  help: { type: 'boolean', short: 'h', description: 'this help' },
  version: { type: 'boolean', short: 'v', description: 'the version' },
} as const satisfies FlagSpecs;

/** Validated command-line options. */
export interface CliOptions {
  notify: (typeof STRATEGIES)[number];
  loop: LoopName;
  runtime?: (typeof RUNTIMES)[number];
  scenario: string;
  model?: string;
  maxTurns?: number;
  cwd?: string;
  transcript?: string;
  json: boolean;
  stream: boolean;
  scale: number;
  poll?: (typeof POLL_POLICY_NAMES)[number];
  backend: (typeof BACKENDS)[number];
  redis: string;
  queue: string;
  workers: number;
  help: boolean;
  version: boolean;
  prompt?: string;
  /** `--sandbox`: the executor's sandbox; `sandboxArgs` are those flags as given, for workers. */
  sandbox?: SandboxSpec;
  sandboxArgs?: string[];
}

function nonEmpty(flag: string, value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new UsageError(`--${flag} needs ${what}; see --help`);
  return value;
}

/**
 * Parses argv (without the runtime and script); throws {@link UsageError}. `env` gives what a flag
 * left out may come from: `BGTASKS_REDIS_URL` for `--redis`.
 */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliOptions {
  const { values: v, positionals } = parseFlags(argv, AGENT_FLAGS, { positionals: true });
  const str = (name: keyof typeof AGENT_FLAGS) => v[name] as string | undefined;
  const options: CliOptions = {
    notify: choiceFlag('notify', str('notify') ?? 'inject', STRATEGIES),
    loop: choiceFlag('loop', str('loop') ?? LOOP_NAMES[0], LOOP_NAMES),
    scenario: nonEmpty('scenario', str('scenario'), 'a name or a file') ?? 'default',
    json: v.json === true,
    stream: v.stream === true,
    scale: str('scale') === undefined ? 1 : numberFlag('scale', str('scale') ?? '', { min: 0, exclusiveMin: true, max: 10 }),
    help: v.help === true,
    version: v.version === true,
    backend: choiceFlag('backend', str('backend') ?? 'local', BACKENDS),
    redis: str('redis') ?? (env.BGTASKS_REDIS_URL || undefined) ?? DEFAULT_REDIS_URL,
    queue: str('queue') ?? DEFAULT_QUEUE,
    workers:
      str('workers') === undefined ? 0 : numberFlag('workers', str('workers') ?? '', { min: 0, max: MAX_WORKERS, integer: true }),
  };
  const runtime = str('runtime');
  if (runtime !== undefined) options.runtime = choiceFlag('runtime', runtime, RUNTIMES);
  const poll = str('poll');
  if (poll !== undefined) options.poll = choiceFlag('poll', poll, POLL_POLICY_NAMES);
  const maxTurns = str('max-turns');
  if (maxTurns !== undefined)
    options.maxTurns = numberFlag('max-turns', maxTurns, { min: 1, max: MAX_TURNS_LIMIT, integer: true });
  const model = nonEmpty('model', str('model'), 'a model id');
  if (model !== undefined) options.model = model;
  const cwd = nonEmpty('cwd', str('cwd'), 'a directory');
  if (cwd !== undefined) options.cwd = cwd;
  const transcript = nonEmpty('transcript', str('transcript'), 'a file name');
  if (transcript !== undefined) options.transcript = transcript;
  const redis = str('redis');
  if (redis !== undefined && !/^rediss?:\/\/\S+$/.test(redis)) {
    throw new UsageError(`--redis must be a URL such as ${DEFAULT_REDIS_URL}, got "${redis.slice(0, 40)}"; see --help`);
  }
  if (redis === undefined && !/^rediss?:\/\/\S+$/.test(options.redis)) {
    throw new UsageError(`BGTASKS_REDIS_URL must be a URL such as ${DEFAULT_REDIS_URL}; see --help`);
  }
  const queue = str('queue');
  if (queue !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(queue)) {
    throw new UsageError(`--queue must be 1-64 letters, digits, ".", "_" or "-", got "${queue.slice(0, 40)}"; see --help`);
  }
  if (positionals.length > 0) options.prompt = positionals.join(' ');
  const sandbox = sandboxFromFlags(v);
  if (sandbox !== undefined) {
    options.sandbox = sandbox;
    options.sandboxArgs = argv.filter((a, i) => a.startsWith('--sandbox') || argv[i - 1]?.startsWith('--sandbox-') === true);
    if (options.backend === 'bullmq' && options.workers === 0) {
      throw new UsageError('--sandbox with --backend bullmq needs --workers N (the workers enforce it); see --help');
    }
  }
  return options;
}
