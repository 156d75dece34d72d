/** Flags of `npm run bench:real-jobs`, parsed without touching the process. */
import { choiceFlag, type FlagSpecs, flagsHelp, UsageError } from '@bgtasks/runtime/cli';
import { BENCH_STRATEGIES, type BenchStrategy } from './bench-strategy.ts';
import { commaList, outDir, readFlags } from './internal/flag-values.ts';
import { COPY_DIR_PATTERN } from './real-jobs.ts';

const RUNTIMES = ['node', 'bun', 'deno'] as const;
type RuntimeName = (typeof RUNTIMES)[number];

/** What `npm run bench:real-jobs` was asked to do. */
export interface RealJobsArgs {
  help: boolean;
  out: string;
  /** Runtimes to run on, in order; empty: the one running the command. */
  runtimes: RuntimeName[];
  strategies: BenchStrategy[];
  /** An existing copy to run in (not made, not removed); otherwise one is made and removed. */
  copy?: string;
}

/** Every flag of `npm run bench:real-jobs`, in the order `--help` lists them. */
export const REAL_JOBS_FLAGS = {
  out: {
    type: 'string',
    value: 'DIR',
    default: 'bench-results',
    description: 'adds its rows to DIR/results.json (other rows kept), writes\nDIR/w8-runs.json and DIR/report-w8.md',
  },
  runtime: {
    type: 'string',
    value: 'LIST',
    default: 'the one running it',
    description: 'node, bun, deno or a list (node,bun,deno): one after the other,\neach in its own process, on the same copy',
  },
  strategies: {
    type: 'string',
    value: 'LIST',
    default: 'all',
    description: `only these, in this order, e.g. block,inject; of\n${BENCH_STRATEGIES.join(', ')}`,
  },
  copy: {
    type: 'string',
    value: 'DIR',
    default: 'a fresh git clone of HEAD in the temp dir',
    description: 'run in this existing copy of the repository instead (kept);\nwhat each runtime process gets',
  },
  help: { type: 'boolean', short: 'h', description: 'this text' },
} as const satisfies FlagSpecs;

/** The `--help` text. */
export const REAL_JOBS_HELP = `npm run bench:real-jobs -- [flags]

W8, the real-jobs workload: the simulated model, at its real pace, drives this repository's own
commands on a temporary copy of HEAD (npm ci --offline from the lock, then typecheck, lint and
the core tests side by side, a review, the answer), in real time, under each strategy in turn.
The copy is made once (git clone --shared) and removed at the end, also on Ctrl-C. A run takes
minutes: about 1-3 per strategy. Not part of npm run bench or npm test. Exit codes: 0 done,
1 a run failed, 2 bad input, 130 interrupted.

${flagsHelp(REAL_JOBS_FLAGS)}

Examples:
  npm run bench:real-jobs -- --out bench-results
  npm run bench:real-jobs -- --out bench-results --runtime node,bun,deno
  npm run bench:real-jobs -- --runtime deno --strategies block,inject`;

/**
 * Parses the flags after `npm run bench:real-jobs --`.
 * @throws UsageError with one line saying what was wrong and what is valid.
 */
export function parseRealJobsArgs(argv: readonly string[]): RealJobsArgs {
  const { help, str } = readFlags(argv, REAL_JOBS_FLAGS);
  const args: RealJobsArgs = {
    help,
    out: outDir(str('out')),
    runtimes: [],
    strategies: [...BENCH_STRATEGIES],
  };
  const runtimes = str('runtime');
  if (runtimes !== undefined) {
    args.runtimes = commaList(runtimes).map((x) => choiceFlag('runtime', x, RUNTIMES));
    if (args.runtimes.length === 0) throw new UsageError('--runtime needs node, bun, deno or a list of them; see --help');
    if (new Set(args.runtimes).size !== args.runtimes.length)
      throw new UsageError(`--runtime lists a runtime twice: "${runtimes}"; see --help`);
  }
  const strategies = str('strategies');
  if (strategies !== undefined) {
    args.strategies = commaList(strategies).map((x) => choiceFlag('strategies', x, BENCH_STRATEGIES));
    if (args.strategies.length === 0)
      throw new UsageError(`--strategies needs one or more of ${BENCH_STRATEGIES.join(', ')}; see --help`);
  }
  const copy = str('copy');
  if (copy !== undefined) {
    if (!COPY_DIR_PATTERN.test(copy))
      throw new UsageError(
        `--copy must be an absolute path of letters, digits and . _ / + - only, got "${copy.slice(0, 80)}"; see --help`,
      );
    args.copy = copy;
  }
  return args;
}
