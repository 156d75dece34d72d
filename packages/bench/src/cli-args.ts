/** Flags of `npm run bench`, parsed without touching the process (the CLI entry passes argv). */
import { choiceFlag, type FlagSpecs, flagsHelp, numberFlag, UsageError } from '@bgtasks/runtime/cli';
import { BENCH_STRATEGIES, type BenchStrategy } from './bench-strategy.ts';
import { commaList, outDir, readFlags } from './internal/flag-values.ts';
import { DEFAULT_RANDOM_GRAPHS } from './random-workload.ts';
import { DEFAULT_SYSTEM_TOKENS, MAX_SYSTEM_TOKENS } from './system-prompt.ts';
/** What `npm run bench` was asked to do. */
export interface BenchArgs {
  help: boolean;
  out: string;
  clock: 'virtual' | 'real';
  scale: number;
  runtime?: 'node' | 'bun' | 'deno';
  /** Workload ids to run (`W7` selects every W7 graph); all when empty. */
  workloads: string[];
  strategies: BenchStrategy[];
  /** How many W7 random graphs. */
  randomGraphs: number;
  /** Real-time runs at once. */
  concurrency: number;
  /** Real clock: W7 graphs that also run in real time (the first N; the scenario workloads always do). */
  realGraphs: number;
  /** Tokens of the generated system prompt (0: the one-line prompt). */
  systemTokens: number;
  /** Virtual clock: processes that run workloads at once (this one and `jobs - 1` children); unset = available cores. */
  jobs?: number;
}

/**
 * A flag the CLI does not accept; the message is the one line to print (exit 2). The shared
 * {@link UsageError} of every bgtasks bin, under the name this package exported first.
 */
export const BenchArgsError = UsageError;

/**
 * W7 graphs that also run on the real clock by default: enough to compare the clocks, few enough
 * that the real-time suite takes minutes (each run takes its makespan x the scale).
 */
export const DEFAULT_REAL_GRAPHS = 5;

/** Every flag of `npm run bench`, in the order `--help` lists them. */
export const BENCH_FLAGS = {
  out: {
    type: 'string',
    value: 'DIR',
    default: 'bench-results',
    description: 'where to write results.json, report.md and the charts',
  },
  clock: {
    type: 'string',
    value: 'virtual|real',
    default: 'virtual',
    description:
      'virtual: exact, instant. real: also runs real processes and timers\nat --scale and shows them beside the virtual results',
  },
  scale: {
    type: 'string',
    value: 'F',
    default: '0.05',
    description: 'real clock: job durations and model pacing times F, more than 0\nand at most 1 (as bgtasks-agent --scale)',
  },
  runtime: {
    type: 'string',
    value: 'node|bun|deno',
    default: 'the one running it',
    description: 're-run this benchmark under that runtime (installed packages)',
  },
  workloads: { type: 'string', value: 'W1,W4,W7', default: 'all', description: 'only these (W7 = every random graph, W7-N one)' },
  strategies: {
    type: 'string',
    value: 'LIST',
    default: 'all',
    description: `only these, e.g. block,inject,poll:bg_wait; of\n${BENCH_STRATEGIES.join(', ')}`,
  },
  'random-graphs': {
    type: 'string',
    value: 'N',
    default: String(DEFAULT_RANDOM_GRAPHS),
    description: 'how many W7 graphs, seeds 1..N (1 to 1000)',
  },
  jobs: {
    type: 'string',
    value: 'N',
    default: 'available cores',
    description: 'virtual clock: processes running workloads at once (1 to 64);\nrows and results are the same for any N',
  },
  concurrency: { type: 'string', value: 'N', default: '5', description: 'real clock: runs at once (1 to 64)' },
  'real-graphs': {
    type: 'string',
    value: 'N',
    default: String(DEFAULT_REAL_GRAPHS),
    description: 'real clock: how many of the W7 graphs also run in real time\n(the first N; 0 to 1000)',
  },
  'system-tokens': {
    type: 'string',
    value: 'N',
    default: String(DEFAULT_SYSTEM_TOKENS),
    description: `system prompt size in tokens, like a coding agent's (0 to ${MAX_SYSTEM_TOKENS};\n0 = a one-line prompt)`,
  },
  help: { type: 'boolean', short: 'h', description: 'this text' },
} as const satisfies FlagSpecs;

/** The `--help` text. */
export const BENCH_HELP = `npm run bench -- [flags]

Runs every workload (W1-W6 scenario files, W7 random graphs) under block, poll (every_turn,
backoff, bg_wait) and inject through the agent loop, the executor and the simulated model, and
writes DIR/results.json, DIR/report.md and SVG charts. Exit codes: 0 done, 2 bad input.

${flagsHelp(BENCH_FLAGS)}

Examples:
  npm run bench -- --out bench-results
  npm run bench -- --out bench-results --clock real --scale 0.05
  npm run bench -- --runtime deno --workloads W1,W4 --strategies block,inject
  npm run bench -- --system-tokens 0   # the one-line system prompt, for comparison`;

/**
 * Parses the flags after `npm run bench --`.
 * @throws UsageError with one line saying what was wrong and what is valid.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { help, str } = readFlags(argv, BENCH_FLAGS);
  const args: BenchArgs = {
    help,
    out: outDir(str('out')),
    clock: choiceFlag('clock', str('clock') ?? 'virtual', ['virtual', 'real'] as const),
    scale: numberFlag('scale', str('scale') ?? '0.05', { min: 0, exclusiveMin: true, max: 1 }),
    workloads: commaList(str('workloads') ?? '').map((w) => w.toUpperCase()),
    strategies: [...BENCH_STRATEGIES],
    randomGraphs: numberFlag('random-graphs', str('random-graphs') ?? String(DEFAULT_RANDOM_GRAPHS), {
      min: 1,
      max: 1000,
      integer: true,
    }),
    concurrency: numberFlag('concurrency', str('concurrency') ?? '5', { min: 1, max: 64, integer: true }),
    realGraphs: numberFlag('real-graphs', str('real-graphs') ?? String(DEFAULT_REAL_GRAPHS), {
      min: 0,
      max: 1000,
      integer: true,
    }),
    systemTokens: numberFlag('system-tokens', str('system-tokens') ?? String(DEFAULT_SYSTEM_TOKENS), {
      min: 0,
      max: MAX_SYSTEM_TOKENS,
      integer: true,
    }),
  };
  const jobs = str('jobs');
  if (jobs !== undefined) args.jobs = numberFlag('jobs', jobs, { min: 1, max: 64, integer: true });
  const runtime = str('runtime');
  if (runtime !== undefined) args.runtime = choiceFlag('runtime', runtime, ['node', 'bun', 'deno'] as const);
  for (const w of args.workloads)
    if (!/^W[1-6]$|^W7(-\d+)?$/.test(w)) throw new UsageError(`--workloads takes W1 ... W7 (or W7-N), got "${w}"; see --help`);
  const strategies = str('strategies');
  if (strategies !== undefined) args.strategies = commaList(strategies).map((x) => choiceFlag('strategies', x, BENCH_STRATEGIES));
  return args;
}
