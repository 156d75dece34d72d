/** What the bench's bins (bench, real-jobs, overhead, scale) read from their parsed flags alike. */
import { type FlagSpecs, parseFlags, UsageError } from '@bgtasks/runtime/cli';

/** The flags of `argv`: `help`, and `str(name)`, a string flag's value (undefined when absent). */
export function readFlags<F extends FlagSpecs>(
  argv: readonly string[],
  flags: F,
): {
  help: boolean;
  str: (name: keyof F & string) => string | undefined;
  values: ReturnType<typeof parseFlags>['values'];
} {
  const { values } = parseFlags(argv, flags);
  return { help: values.help === true, str: (name) => values[name] as string | undefined, values };
}

/** The items of a comma-separated list, trimmed, empty ones left out. */
export function commaList(text: string): string[] {
  return text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** `--out DIR` (default `bench-results`); an empty one is a {@link UsageError}. */
export function outDir(text: string | undefined): string {
  const out = text ?? 'bench-results';
  if (out.trim() === '') throw new UsageError('--out needs a directory; see --help');
  return out;
}

/** `--json FILE` when given; an empty one is a {@link UsageError}. */
export function jsonFile(text: string | undefined): { json?: string } {
  if (text === undefined) return {};
  if (text.trim() === '') throw new UsageError('--json needs a file name; see --help');
  return { json: text };
}
