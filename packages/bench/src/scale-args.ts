/** Flags of `npm run bench:scale`, parsed without touching the process (the entry passes argv). */
import { type FlagSpecs, flagsHelp, numberFlag, UsageError } from '@bgtasks/runtime/cli';
import { commaList, jsonFile, readFlags } from './internal/flag-values.ts';

/** What `npm run bench:scale` was asked to do. */
export interface ScaleArgs {
  help: boolean;
  jobs: number;
  rounds: number;
  /** Each cap also runs its jobs durable. */
  durable: boolean;
  /** The runtimes to measure on (the driver's); all when absent. */
  runtimes?: string[];
  /** Where the driver writes every runtime's result. */
  json?: string;
}

/** Runtimes `--runtime` may name. */
export const SCALE_RUNTIMES = ['node', 'node24', 'bun', 'deno'] as const;

/** Every flag of `npm run bench:scale`, in the order `--help` lists them. */
export const SCALE_FLAGS = {
  jobs: { type: 'string', value: 'N', default: '1000', description: 'jobs per measured round (a whole number, 1 or more)' },
  rounds: { type: 'string', value: 'N', default: '3', description: 'measured rounds per cap (a whole number, 1 or more)' },
  runtime: {
    type: 'string',
    value: 'LIST',
    default: 'all',
    description: `measure only on these, comma-separated, of ${SCALE_RUNTIMES.join(', ')}`,
  },
  durable: { type: 'boolean', description: 'each cap also runs its jobs durable (a fresh state directory per round)' },
  json: { type: 'string', value: 'FILE', description: "also write every runtime's result to FILE" },
  help: { type: 'boolean', short: 'h', description: 'this text' },
} as const satisfies FlagSpecs;

/** The `--help` text. */
export const SCALE_HELP = `npm run bench:scale -- [flags]

The executor's throughput at caps 1, 4 and 16 against the runtime's own spawn API in the same
process, notice latency under that load, and memory per 1000 finished jobs, on Node 20, Node 24,
Bun and Deno in turn (each in its own process), then one Markdown table.
Exit codes: 0 done, 1 a runtime failed, 2 bad input.

${flagsHelp(SCALE_FLAGS)}`;

/**
 * Parses the flags after `npm run bench:scale --`.
 * @throws UsageError with one line saying what was wrong and what is valid.
 */
export function parseScaleArgs(argv: readonly string[]): ScaleArgs {
  const { help, str, values } = readFlags(argv, SCALE_FLAGS);
  const args: ScaleArgs = {
    help,
    jobs: numberFlag('jobs', str('jobs') ?? '1000', { min: 1, integer: true }),
    rounds: numberFlag('rounds', str('rounds') ?? '3', { min: 1, integer: true }),
    durable: values.durable === true,
    ...jsonFile(str('json')),
  };
  const runtime = str('runtime');
  if (runtime !== undefined) {
    const names = commaList(runtime);
    if (names.length === 0) throw new UsageError('--runtime needs a comma-separated list, e.g. --runtime node,bun');
    const unknown = names.filter((n) => !(SCALE_RUNTIMES as readonly string[]).includes(n));
    if (unknown.length > 0) {
      throw new UsageError(`--runtime: unknown ${unknown.join(', ')}; pick from ${SCALE_RUNTIMES.join(', ')}`);
    }
    args.runtimes = names;
  }
  return args;
}
