/**
 * One flag vocabulary for every bgtasks bin: flags declared once (name, value, default, what it
 * does) give both the parser (`node:util` parseArgs, the same on Node, Bun and Deno) and the
 * `--help` lines, so help can never omit a flag or its default; every mistake is one
 * {@link UsageError} line.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

/** One flag of a bin. */
export interface FlagSpec {
  /** `boolean` flags take no value. */
  type: 'string' | 'boolean';
  short?: string;
  /** The flag may be given more than once; its value is then a list. */
  multiple?: boolean;
  /** How help shows the value, e.g. `N`, `DIR`, `block|poll|inject`. */
  value?: string;
  /** What help shows as the default; omitted for flags without one (e.g. `--help`). */
  default?: string;
  /** What the flag does; more lines are indented under the first. */
  description: string;
}

/** A bin's flags by long name (without `--`). */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** What {@link parseFlags} returns: values by long name, and positionals. */
export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` against `flags`. Unknown flags, a missing value, and positionals where none
 * are taken throw {@link UsageError} with one line ending in "see --help".
 */
export function parseFlags(argv: readonly string[], flags: FlagSpecs, options: { positionals?: boolean } = {}): ParsedFlags {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, f] of Object.entries(flags)) {
    config[name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  }
  try {
    const parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: options.positionals === true });
    return { values: parsed.values as ParsedFlags['values'], positionals: parsed.positionals };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
    throw new UsageError(`${message.replace(/\. To specify a positional.*$/, '').replace(/\.$/, '')}; see --help`, {
      cause: error,
    });
  }
}

/** Width `--help` text aims to stay within. */
const HELP_COLUMNS = 100;

/** The options part of `--help`: one entry per flag with its value and its default. */
export function flagsHelp(flags: FlagSpecs): string {
  const heads = Object.entries(flags).map(([name, f]) => {
    const short = f.short ? `-${f.short}, ` : '    ';
    return `  ${short}--${name}${f.value ? ` ${f.value}` : ''}`;
  });
  const width = Math.min(36, Math.max(...heads.map((h) => h.length)) + 2);
  return Object.values(flags)
    .map((f, i) => {
      const head = heads[i] ?? '';
      const lines = f.description.split('\n');
      if (f.default !== undefined) {
        // The default ends the last line, or gets a line of its own where it would not fit.
        const last = lines.length - 1;
        const withDefault = `${lines[last]} (default: ${f.default})`;
        if (width + withDefault.length <= HELP_COLUMNS) lines[last] = withDefault;
        else lines.push(`(default: ${f.default})`);
      }
      const pad = ' '.repeat(width);
      const first = head.length + 2 > width ? `${head}\n${pad}${lines[0]}` : `${head.padEnd(width)}${lines[0]}`;
      return [first, ...lines.slice(1).map((l) => `${pad}${l}`)].join('\n');
    })
    .join('\n');
}

/** Bounds of {@link numberFlag}. */
export interface NumberBounds {
  /** Smallest value allowed; `exclusiveMin` makes it "more than". */
  min?: number;
  exclusiveMin?: boolean;
  max?: number;
  integer?: boolean;
}

/**
 * A numeric flag's value, or {@link UsageError} naming the flag and what is valid: never NaN,
 * Infinity, `1e999`, `0x10` or an empty string.
 */
export function numberFlag(flag: string, text: string, bounds: NumberBounds = {}): number {
  const kind = bounds.integer ? 'a whole number' : 'a number';
  const range = [
    bounds.min !== undefined ? `${bounds.exclusiveMin ? 'more than' : 'at least'} ${bounds.min}` : '',
    bounds.max !== undefined ? `at most ${bounds.max}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const valid = `--${flag} must be ${kind}${range ? ` ${range}` : ''}`;
  const pattern = bounds.integer ? /^-?\d+$/ : /^-?(\d+\.?\d*|\.\d+)$/;
  const n = Number(text);
  if (!pattern.test(text.trim()) || !Number.isFinite(n)) throw new UsageError(`${valid}, got "${text.slice(0, 40)}"; see --help`);
  const below = bounds.min !== undefined && (bounds.exclusiveMin ? n <= bounds.min : n < bounds.min);
  if (below || (bounds.max !== undefined && n > bounds.max)) throw new UsageError(`${valid}, got ${text}; see --help`);
  return n;
}

/** A flag's value that must be one of `choices`, or {@link UsageError} listing them. */
export function choiceFlag<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got "${text.slice(0, 40)}"; see --help`);
}
