import { UsageError } from '@bgtasks/runtime/cli';
import { describe, expect, test } from 'vitest';
import { BENCH_STRATEGIES } from './bench-strategy.ts';
import { parseRealJobsArgs } from './real-jobs-args.ts';

describe('bench:real-jobs flags', () => {
  test('defaults: the runtime running it, every strategy, a fresh copy', () => {
    expect(parseRealJobsArgs([])).toEqual({ help: false, out: 'bench-results', runtimes: [], strategies: [...BENCH_STRATEGIES] });
  });

  test('every flag read; runtimes and strategies keep their order', () => {
    const a = parseRealJobsArgs('--out x --runtime deno,node --strategies inject,block --copy /tmp/bgtasks-w8-x1'.split(' '));
    expect(a).toEqual({
      help: false,
      out: 'x',
      runtimes: ['deno', 'node'],
      strategies: ['inject', 'block'],
      copy: '/tmp/bgtasks-w8-x1',
    });
  });

  test.each([
    [['--runtime', 'java'], '--runtime must be one of node, bun, deno, got "java"; see --help'],
    [['--runtime', 'bun,bun'], '--runtime lists a runtime twice: "bun,bun"; see --help'],
    [['--runtime', ','], '--runtime needs node, bun, deno or a list of them; see --help'],
    [['--strategies', 'poll'], /^--strategies must be one of block, poll:every_turn/],
    [['--copy', 'relative/dir'], /^--copy must be an absolute path/],
    [['--copy', "/tmp/it's"], /^--copy must be an absolute path/],
    [['--out', ' '], '--out needs a directory; see --help'],
    [['--scale', '1'], "Unknown option '--scale'; see --help"],
  ])('%j is refused with one line', (argv, message) => {
    expect(() => parseRealJobsArgs(argv)).toThrow(UsageError);
    expect(() => parseRealJobsArgs(argv)).toThrow(message);
  });
});
