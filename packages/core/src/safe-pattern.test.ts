// Patterns from untrusted input are matched in linear time or refused by name, on whichever
// runtime runs the suite; a job whose readiness pattern is catastrophic for a backtracking
// engine leaves the host's event loop free.
import { createRuntime } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { InvalidJobSpecError } from './errors.ts';
import { BackgroundExecutor } from './executor.ts';
import { compileSafePattern, MAX_SAFE_PATTERN_PROGRAM } from './safe-pattern.ts';

/** Patterns that take exponential or high polynomial time in a backtracking engine (issue 27). */
const CATASTROPHIC: ReadonlyArray<{ pattern: string; line: string; matches: boolean }> = [
  { pattern: '((a+))+$', line: `${'a'.repeat(1 << 20)}!`, matches: false },
  { pattern: '^((?:a|aa))*$', line: `${'a'.repeat(1 << 20)}!`, matches: false },
  { pattern: '^((?:a|aa))*$', line: 'a'.repeat(1 << 20), matches: true },
  { pattern: 'a*a*a*a*a*a*c', line: `${'a'.repeat(1 << 20)}!`, matches: false },
  { pattern: '^\\s*\\s*\\s*\\s*\\s*\\s*x$', line: `${' '.repeat(1 << 20)}!`, matches: false },
  { pattern: '^\\s*\\s*\\s*\\s*\\s*\\s*x$', line: `x${' '.repeat(1 << 20)}x!`, matches: false },
];

/** Generous: a backtracking engine takes minutes on these; "did not hang", not a benchmark. */
const DID_NOT_HANG_MS = 2_000;

describe('safe patterns', () => {
  test.each(CATASTROPHIC)('$pattern answers against a 1 MB line in linear time', ({ pattern, line, matches }) => {
    const compiled = compileSafePattern('ready.pattern', pattern);
    const started = performance.now();
    expect(compiled.test(line)).toBe(matches);
    expect(performance.now() - started).toBeLessThan(DID_NOT_HANG_MS);
  });

  test('backreferences and lookaround are refused with an error naming what is unsupported', () => {
    for (const pattern of ['(a)\\1', '(?<n>a)\\k<n>', 'x(?=y)', 'x(?!y)', '(?<=x)y', '(?<!x)y']) {
      const error = catchError(() => compileSafePattern('ready.pattern', pattern));
      expect(InvalidJobSpecError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(
        /ready\.pattern: (backreferences|lookaround) .* are not supported: patterns are matched in linear time/,
      );
    }
    // Inside a class or escaped, the same characters are plain text.
    expect(compileSafePattern('p', '[(?=]x').test('(x')).toBe(true);
    expect(compileSafePattern('p', '\\(?=y').test('=y')).toBe(true);
  });

  test('a pattern that does not compile, is empty or too large is refused naming the field', () => {
    expect(() => compileSafePattern('pattern', '(')).toThrow(/pattern: not a valid regular expression \(.*missing/);
    expect(() => compileSafePattern('pattern', '')).toThrow(/pattern: must be a pattern of 1-1000 characters/);
    expect(() => compileSafePattern('pattern', 'a{1001}')).toThrow(/not a valid regular expression/);
    expect(compileSafePattern('pattern', '.{250}').test('x'.repeat(250))).toBe(true);
    expect(() => compileSafePattern('pattern', '.{400}')).toThrow(/too large once compiled/);
    expect(() => compileSafePattern('pattern', '\\w{600}\\d{600}')).toThrow(
      new RegExp(`too large once compiled \\(\\d+ instructions, at most ${MAX_SAFE_PATTERN_PROGRAM}\\)`),
    );
  });

  test('the JavaScript syntax readiness patterns use keeps its meaning', () => {
    const cases: Array<[string, string, boolean]> = [
      ['listening on \\S+:\\d+', 'listening on 127.0.0.1:5173', true],
      ['listening on \\S+:\\d+', 'listening on', false],
      ['^Local:\\s+https?://', 'Local:   http://x', true],
      ['^Local:', '  Local:', false],
      ['(?<port>\\d{2,5})$', 'port 8080', true],
      ['(?i)ready in \\d+ ?ms', 'READY in 312 ms', true],
      ['\\u0041\\x42', 'AB', true],
      ['a\\/b', 'a/b', true],
      ['[\\]x]+!', ']x]!', true],
      ['\\bfoo\\b', 'a foo b', true],
      ['\\bfoo\\b', 'afoob', false],
      ['compiled (successfully|with warnings)', 'compiled with warnings', true],
    ];
    for (const [pattern, line, expected] of cases)
      expect([pattern, compileSafePattern('p', pattern).test(line)]).toEqual([pattern, expected]);
  });

  test('a job printing lines that are catastrophic for its ready pattern leaves the event loop free', async () => {
    const runtime = createRuntime();
    const executor = new BackgroundExecutor(runtime, { killGraceMs: 100 });
    try {
      // Lines just under the 1024-character cut, so the whole line (and its last character) is matched.
      const jobs = [
        { pattern: '((a+))+$', char: 'a' },
        { pattern: '^((?:a|aa))*$', char: 'a' },
        { pattern: 'a*a*a*a*a*a*c', char: 'a' },
        { pattern: '^\\s*\\s*\\s*\\s*\\s*\\s*x$', char: ' ' },
      ].map(({ pattern, char }) =>
        executor.submit({
          command: `line=$(printf '%1000s' '' | tr ' ' '${char}')!; for i in 1 2 3 4 5; do echo "$line"; sleep 0.05; done`,
          ready: { pattern },
        }),
      );
      // A timer that should tick every 10 ms: the longest gap is how long the loop was held.
      let longestGapMs = 0;
      let last = performance.now();
      const ticking = new AbortController();
      const ticker = (async () => {
        while (!ticking.signal.aborted) {
          await runtime.sleep(10, ticking.signal).catch(() => {});
          const now = performance.now();
          longestGapMs = Math.max(longestGapMs, now - last);
          last = now;
        }
      })();
      const { ended } = await executor.wait(
        jobs.map((j) => j.id),
        { timeoutMs: 60_000 },
      );
      ticking.abort();
      await ticker;
      expect(ended.map((j) => j.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
      expect(executor.bus.history().filter((n) => n.kind === 'ready')).toEqual([]);
      expect(longestGapMs).toBeLessThan(DID_NOT_HANG_MS);
    } finally {
      await executor.close();
    }
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
