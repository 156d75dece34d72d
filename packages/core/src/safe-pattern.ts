/**
 * Patterns from untrusted input (a model's readiness pattern, a watch), matched in time linear in
 * the text: RE2 semantics through `re2js`, a pure-JavaScript port that runs on every runtime.
 * JavaScript's own regexes backtrack, and a backtracking match cannot be interrupted: one
 * pattern such as `((a+))+$` against a long line would block the host's event loop for minutes.
 */
import { RE2JS } from 're2js';
import { InvalidJobSpecError } from './errors.ts';

/** Longest accepted pattern source, in characters. */
export const MAX_SAFE_PATTERN_LENGTH = 1_000;

/**
 * Most instructions a compiled pattern may hold (about one per character matched, so counted
 * repetitions add up: `.{250}` is 252). Matching is linear in the text, but the factor grows
 * with the program when the engine falls back from its DFA to its NFA: `(?i)\p{L}{990}` takes
 * over 300 ms per 1024-character line even with a warm cache, where programs of this size stay
 * in milliseconds. Readiness patterns are a few dozen instructions.
 */
export const MAX_SAFE_PATTERN_PROGRAM = 300;

/** A compiled pattern whose match time is linear in the text (see {@link compileSafePattern}). */
export interface SafePattern {
  /** The pattern as given. */
  readonly source: string;
  /** True when the pattern matches anywhere in `text`. */
  test(text: string): boolean;
}

/**
 * Syntax that needs backtracking, which RE2 leaves out on purpose; named so the error says what
 * to drop rather than echo a parser message. Checked outside character classes only.
 */
const UNSUPPORTED: ReadonlyArray<{ token: RegExp; what: string }> = [
  { token: /^\\[1-9]/, what: 'backreferences (\\1, \\k<name>)' },
  { token: /^\\k</, what: 'backreferences (\\1, \\k<name>)' },
  { token: /^\(\?<?[=!]/, what: 'lookaround ((?=...), (?!...), (?<=...), (?<!...))' },
];

/**
 * What `source` uses that a linear-time engine cannot do, if anything. A small scan that skips
 * escapes and character classes, so `[\1]` or `\(?=` are not mistaken for one.
 */
function unsupportedSyntax(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      if (!inClass) {
        const found = UNSUPPORTED.find((u) => u.token.test(source.slice(i, i + 3)));
        if (found) return found.what;
      }
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (source[i + 1] === ']' || source[i + 1] === '^') i++;
    } else if (c === '(') {
      const found = UNSUPPORTED.find((u) => u.token.test(source.slice(i, i + 4)));
      if (found) return found.what;
    }
  }
  return undefined;
}

/**
 * Compiles a pattern from untrusted input for matching in linear time. RE2 syntax, which is
 * JavaScript's for everything but backtracking features: classes, `\d\w\s\b`, `{m,n}` (up to
 * 1000), groups (also named, `(?<name>...)`), `|`, anchors, `(?i)`; `\uXXXX` is read as
 * `\x{XXXX}`. Backreferences and lookaround are refused by name. A bad pattern throws
 * {@link InvalidJobSpecError} naming `field`.
 *
 * @example
 * const ready = compileSafePattern('ready.pattern', 'listening on \\S+:\\d+');
 * ready.test('listening on 127.0.0.1:5173'); // true
 */
export function compileSafePattern(field: string, source: string): SafePattern {
  if (typeof source !== 'string' || source.length === 0 || source.length > MAX_SAFE_PATTERN_LENGTH) {
    throw new InvalidJobSpecError([`${field}: must be a pattern of 1-${MAX_SAFE_PATTERN_LENGTH} characters`]);
  }
  const unsupported = unsupportedSyntax(source);
  if (unsupported !== undefined) {
    throw new InvalidJobSpecError([
      `${field}: ${unsupported} are not supported: patterns are matched in linear time (RE2 syntax), which rules out backtracking features; rewrite without them`,
    ]);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InvalidJobSpecError([
      `${field}: not a valid regular expression (${why}); use RE2 syntax (JavaScript's without backreferences or lookaround)`,
    ]);
  }
  const size = compiled.programSize();
  if (size > MAX_SAFE_PATTERN_PROGRAM) {
    throw new InvalidJobSpecError([
      `${field}: too large once compiled (${size} instructions, at most ${MAX_SAFE_PATTERN_PROGRAM}); use smaller counted repetitions (each {n} repeats its atom n times)`,
    ]);
  }
  return { source, test: (text) => compiled.test(text) };
}
