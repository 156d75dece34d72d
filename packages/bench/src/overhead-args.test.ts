import { UsageError } from '@bgtasks/runtime/cli';
import { describe, expect, test } from 'vitest';
import { OVERHEAD_FLAGS, OVERHEAD_HELP, parseOverheadArgs } from './overhead-args.ts';

describe('parseOverheadArgs', () => {
  test('defaults: 200 runs after 20 warm-up rounds, no JSON file', () => {
    expect(parseOverheadArgs([])).toEqual({ help: false, runs: 200, warmup: 20 });
  });

  test('takes --runs, --warmup, --json in either form, and -h', () => {
    expect(parseOverheadArgs(['--runs', '50', '--warmup=0', '--json', 'out.json', '-h'])).toEqual({
      help: true,
      runs: 50,
      warmup: 0,
      json: 'out.json',
    });
    expect(parseOverheadArgs(['--json=x.json']).json).toBe('x.json');
  });

  test.each([
    [['--runs', '0'], /^--runs must be a whole number at least 1 and at most 100000, got 0; see --help$/],
    [['--runs', '2.5'], /^--runs must be a whole number/],
    [['--runs', 'Infinity'], /^--runs must be a whole number/],
    [['--runs', '100001'], /at most 100000, got 100001/],
    [['--warmup=-1'], /^--warmup must be a whole number at least 0 and at most 10000, got -1; see --help$/],
    [['--json', ' '], /^--json needs a file name; see --help$/],
    [['--json'], /--json/],
    [['--frobnicate'], /^Unknown option '--frobnicate'; see --help$/],
    [['extra'], /extra/],
  ])('%j is a usage error with one line', (argv, message) => {
    let error: unknown;
    try {
      parseOverheadArgs(argv);
    } catch (e) {
      error = e;
    }
    expect(UsageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  test('--help lists every flag, and the defaults of those that have one', () => {
    for (const [name, flag] of Object.entries(OVERHEAD_FLAGS)) {
      expect(OVERHEAD_HELP).toContain(`--${name}`);
      if ('default' in flag) expect(OVERHEAD_HELP).toContain(`(default: ${flag.default})`);
    }
  });
});
