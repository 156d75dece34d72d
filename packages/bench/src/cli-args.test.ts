import { describe, expect, test } from 'vitest';
import { BenchArgsError, parseBenchArgs } from './cli-args.ts';
import { progressBar, progressLine } from './progress.ts';

describe('bench flags', () => {
  test('defaults, and every flag read', () => {
    expect(parseBenchArgs([])).toMatchObject({
      out: 'bench-results',
      clock: 'virtual',
      scale: 0.05,
      workloads: [],
      randomGraphs: 100,
    });
    expect(parseBenchArgs([]).jobs).toBeUndefined();
    expect(parseBenchArgs(['--jobs', '3']).jobs).toBe(3);
    const a = parseBenchArgs(
      '--out x --clock real --scale 0.1 --runtime deno --workloads w1,W7 --strategies block,inject --random-graphs 2'.split(' '),
    );
    expect(a).toMatchObject({
      out: 'x',
      clock: 'real',
      scale: 0.1,
      runtime: 'deno',
      workloads: ['W1', 'W7'],
      strategies: ['block', 'inject'],
      randomGraphs: 2,
    });
  });

  test('a bad flag is one clear line', () => {
    expect(() => parseBenchArgs(['--clock', 'wall'])).toThrow(
      new BenchArgsError('--clock must be one of virtual, real, got "wall"; see --help'),
    );
    expect(() => parseBenchArgs(['--bogus'])).toThrow("Unknown option '--bogus'; see --help");
    expect(() => parseBenchArgs(['--strategies', 'poll'])).toThrow(/--strategies must be one of block, poll:every_turn/);
    expect(() => parseBenchArgs(['--scale=-1'])).toThrow(
      '--scale must be a number more than 0 and at most 1, got -1; see --help',
    );
    expect(() => parseBenchArgs(['--scale', '-1'])).toThrow(/use '--scale=-XYZ'; see --help$/);
    expect(() => parseBenchArgs(['--scale', 'abc'])).toThrow(/--scale must be a number/);
    expect(() => parseBenchArgs(['--random-graphs', '2.5'])).toThrow(/--random-graphs must be a whole number/);
    expect(() => parseBenchArgs(['--random-graphs', '0'])).toThrow(/--random-graphs must be a whole number/);
    expect(() => parseBenchArgs(['--random-graphs', '1001'])).toThrow(/--random-graphs must be a whole number/);
    expect(() => parseBenchArgs(['--jobs', '0'])).toThrow(/--jobs must be a whole number/);
    expect(() => parseBenchArgs(['--out'])).toThrow("Option '--out <value>' argument missing; see --help");
  });

  test('progress: a bar for terminals, a line per run for logs', () => {
    expect(progressBar(5, 10, 'W1 inject', 10)).toBe('[#####.....]  5/10  W1 inject');
    expect(progressLine(3, 55, 'virtual W1 block', 257_300)).toBe('3/55 virtual W1 block: makespan 257.3 s');
  });
});
