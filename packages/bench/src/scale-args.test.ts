import { spawnSync } from 'node:child_process';
import { UsageError } from '@bgtasks/runtime/cli';
import { describe, expect, test } from 'vitest';
import { parseScaleArgs, SCALE_FLAGS, SCALE_HELP } from './scale-args.ts';

describe('parseScaleArgs', () => {
  test('defaults: 1000 jobs, 3 rounds, every runtime, no JSON file', () => {
    expect(parseScaleArgs([])).toEqual({ help: false, jobs: 1000, rounds: 3, durable: false });
  });

  test('takes --jobs, --rounds, --runtime, --json in either form, and -h', () => {
    expect(parseScaleArgs(['--jobs', '50', '--rounds=1', '--runtime', 'node24,bun', '--json', 'o.json', '-h'])).toEqual({
      help: true,
      jobs: 50,
      rounds: 1,
      durable: false,
      runtimes: ['node24', 'bun'],
      json: 'o.json',
    });
  });

  test.each([
    [['--bogus'], /^Unknown option '--bogus'; see --help$/],
    [['--jobs', '0'], /^--jobs must be a whole number at least 1, got 0; see --help$/],
    [['--rounds', '1.5'], /^--rounds must be a whole number/],
    [['--runtime'], /--runtime/],
    [['--runtime', ','], /^--runtime needs a comma-separated list/],
    [['--runtime', 'node,java'], /^--runtime: unknown java; pick from node, node24, bun, deno$/],
    [['--json', ' '], /^--json needs a file name; see --help$/],
    [['extra'], /extra/],
  ])('%j is a usage error with one line', (argv, message) => {
    const thrown = ((): unknown => {
      try {
        return parseScaleArgs(argv);
      } catch (e) {
        return e;
      }
    })();
    expect(UsageError.isInstance(thrown)).toBe(true);
    expect(String((thrown as Error).message)).toMatch(message);
    expect(String((thrown as Error).message).split('\n')).toHaveLength(1);
  });

  test('--help names every flag and each default', () => {
    const missing = Object.entries(SCALE_FLAGS).filter(
      ([name, flag]) =>
        !SCALE_HELP.includes(`--${name}`) || ('default' in flag && !SCALE_HELP.includes(`(default: ${flag.default})`)),
    );
    expect(missing).toEqual([]);
  });
});

test('npm run bench:scale -- --bogus: one line on stderr, exit 2, nothing measured', () => {
  const script = new URL('../../../scripts/bench-scale.mjs', import.meta.url).pathname;
  const r = spawnSync('node', [script, '--bogus'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(2);
  expect(r.stderr).toBe("bench:scale: Unknown option '--bogus'; see --help\n");
  expect(r.stdout).toBe('');
});
