/** Flags of `npm run bench`, parsed without touching the process (the CLI entry passes argv). */
import { BENCH_STRATEGIES, type BenchStrategy } from './bench-strategy.ts';

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
}

/** A flag the CLI does not accept; the message is the one line to print. */
export class BenchArgsError extends Error {
  override readonly name = 'BenchArgsError';
}

/** The `--help` text. */
export const BENCH_HELP = `npm run bench -- [flags]

Runs every workload (W1-W6 scenario files, W7 random graphs) under block, poll (every_turn,
backoff, bg_wait) and inject through the agent loop, the executor and the simulated model, and
writes DIR/results.json, DIR/report.md and SVG charts.

  --out DIR              where to write (default bench-results)
  --clock virtual|real   virtual (default): exact, instant. real: also runs real processes and
                         timers at --scale and shows them beside the virtual results
  --scale N              real clock: factor on job durations and model pacing (default 0.05)
  --runtime node|bun|deno  re-run this benchmark under that runtime (installed packages)
  --workloads W1,W4,W7   only these (W7 = every random graph)
  --strategies LIST      only these, e.g. block,inject,poll:bg_wait
  --random-graphs N      how many W7 graphs (default 5)
  --concurrency N        real clock: runs at once (default 5)
  --help                 this text

Examples:
  npm run bench -- --out bench-results
  npm run bench -- --out bench-results --clock real --scale 0.05
  npm run bench -- --runtime deno --workloads W1,W4 --strategies block,inject`;

function value(argv: readonly string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new BenchArgsError(`${flag} needs a value; see --help`);
  return v;
}

function positive(text: string, flag: string, whole: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (whole && !Number.isInteger(n)))
    throw new BenchArgsError(`${flag} must be a positive ${whole ? 'whole number' : 'number'}, got "${text}"`);
  return n;
}

/**
 * Parses the flags after `npm run bench --`.
 * @throws BenchArgsError with one line saying what was wrong and what is valid.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    help: false,
    out: 'bench-results',
    clock: 'virtual',
    scale: 0.05,
    workloads: [],
    strategies: [...BENCH_STRATEGIES],
    randomGraphs: 5,
    concurrency: 5,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--out':
        args.out = value(argv, i++, flag);
        break;
      case '--clock': {
        const v = value(argv, i++, flag);
        if (v !== 'virtual' && v !== 'real') throw new BenchArgsError(`--clock must be virtual or real, got "${v}"`);
        args.clock = v;
        break;
      }
      case '--scale': {
        args.scale = positive(value(argv, i++, flag), flag, false);
        if (args.scale > 1) throw new BenchArgsError(`--scale must be at most 1, got "${argv[i]}"`);
        break;
      }
      case '--runtime': {
        const v = value(argv, i++, flag);
        if (v !== 'node' && v !== 'bun' && v !== 'deno')
          throw new BenchArgsError(`--runtime must be node, bun or deno, got "${v}"`);
        args.runtime = v;
        break;
      }
      case '--workloads':
        args.workloads = value(argv, i++, flag)
          .split(',')
          .map((w) => w.trim().toUpperCase())
          .filter(Boolean);
        for (const w of args.workloads)
          if (!/^W[1-6]$|^W7(-\d+)?$/.test(w)) throw new BenchArgsError(`--workloads takes W1 ... W7 (or W7-N), got "${w}"`);
        break;
      case '--strategies': {
        const list = value(argv, i++, flag)
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
        for (const x of list)
          if (!(BENCH_STRATEGIES as readonly string[]).includes(x))
            throw new BenchArgsError(`--strategies takes ${BENCH_STRATEGIES.join(', ')}; got "${x}"`);
        args.strategies = list as BenchStrategy[];
        break;
      }
      case '--random-graphs':
        args.randomGraphs = positive(value(argv, i++, flag), flag, true);
        break;
      case '--concurrency':
        args.concurrency = positive(value(argv, i++, flag), flag, true);
        break;
      default:
        throw new BenchArgsError(`unknown flag "${flag}"; see --help`);
    }
  }
  return args;
}
