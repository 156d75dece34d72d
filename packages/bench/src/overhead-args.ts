/** Flags of `npm run bench:overhead`, parsed without touching the process (the entry passes argv). */
import { type FlagSpecs, flagsHelp, numberFlag } from '@bgtasks/runtime/cli';
import { jsonFile, readFlags } from './internal/flag-values.ts';
import { DEFAULT_OVERHEAD_RUNS, DEFAULT_OVERHEAD_WARMUP } from './overhead.ts';

/** What `npm run bench:overhead` was asked to do. */
export interface OverheadArgs {
  help: boolean;
  runs: number;
  warmup: number;
  /** Where the driver writes every runtime's figures and samples. */
  json?: string;
}

/** Every flag of `npm run bench:overhead`, in the order `--help` lists them. */
export const OVERHEAD_FLAGS = {
  runs: {
    type: 'string',
    value: 'N',
    default: String(DEFAULT_OVERHEAD_RUNS),
    description: 'measured rounds per runtime, one job per side each (1 to 100000)',
  },
  warmup: {
    type: 'string',
    value: 'N',
    default: String(DEFAULT_OVERHEAD_WARMUP),
    description: 'unmeasured rounds first (0 to 10000)',
  },
  json: { type: 'string', value: 'FILE', description: "also write every runtime's figures and samples (ms) to FILE" },
  help: { type: 'boolean', short: 'h', description: 'this text' },
} as const satisfies FlagSpecs;

/** The `--help` text. */
export const OVERHEAD_HELP = `npm run bench:overhead -- [flags]

The executor's submit -> notice against the runtime's own spawn API called directly (Node
child_process.spawn, Bun.spawn, Deno.Command) for the same \`/bin/sh -c true\`, each in its own
process group with both pipes drained, interleaved in one process per runtime (Node 20, Node 24,
Bun, Deno). Prints a Markdown table of p50 / p95 and their ratios (aim: at most 1.3x).
Exit codes: 0 done, 1 a runtime failed, 2 bad input.

${flagsHelp(OVERHEAD_FLAGS)}`;

/**
 * Parses the flags after `npm run bench:overhead --`.
 * @throws UsageError with one line saying what was wrong and what is valid.
 */
export function parseOverheadArgs(argv: readonly string[]): OverheadArgs {
  const { help, str } = readFlags(argv, OVERHEAD_FLAGS);
  return {
    help,
    runs: numberFlag('runs', str('runs') ?? String(DEFAULT_OVERHEAD_RUNS), { min: 1, max: 100_000, integer: true }),
    warmup: numberFlag('warmup', str('warmup') ?? String(DEFAULT_OVERHEAD_WARMUP), { min: 0, max: 10_000, integer: true }),
    ...jsonFile(str('json')),
  };
}
