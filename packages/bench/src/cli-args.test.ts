import { describe, expect, test } from 'vitest';
import { BENCH_HELP, BenchArgsError, parseBenchArgs } from './cli-args.ts';
import { progressBar, progressLine } from './progress.ts';

describe('bench flags', () => {
  test('defaults, and every flag read', () => {
    expect(parseBenchArgs([])).toMatchObject({
      out: 'bench-results',
      clock: 'virtual',
      scale: 0.05,
      workloads: [],
      systemTokens: 8000,
      randomGraphs: 100,
      realGraphs: 5,
    });
    expect(parseBenchArgs(['--real-graphs', '0']).realGraphs).toBe(0);
    expect(() => parseBenchArgs(['--real-graphs', '1.5'])).toThrow(/--real-graphs must be a whole number/);
    expect(parseBenchArgs([]).jobs).toBeUndefined();
    expect(parseBenchArgs(['--jobs', '3']).jobs).toBe(3);
    const a = parseBenchArgs(
      '--out x --clock real --scale 0.1 --runtime deno --workloads w1,W7 --strategies block,inject --random-graphs 2 --system-tokens 0'.split(
        ' ',
      ),
    );
    expect(a).toMatchObject({
      out: 'x',
      clock: 'real',
      scale: 0.1,
      runtime: 'deno',
      workloads: ['W1', 'W7'],
      strategies: ['block', 'inject'],
      randomGraphs: 2,
      systemTokens: 0,
    });
    expect(parseBenchArgs(['--system-tokens', '12000']).systemTokens).toBe(12_000);
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
    expect(() => parseBenchArgs(['--system-tokens', '1.5'])).toThrow(/--system-tokens must be a whole number/);
    expect(() => parseBenchArgs(['--system-tokens', '100001'])).toThrow(
      '--system-tokens must be a whole number at least 0 and at most 100000, got 100001; see --help',
    );
    expect(() => parseBenchArgs(['--system-tokens', 'lots'])).toThrow(
      /--system-tokens must be a whole number at least 0.*got "lots"/,
    );
    expect(() => parseBenchArgs(['--random-graphs', '0'])).toThrow(/--random-graphs must be a whole number/);
    expect(() => parseBenchArgs(['--random-graphs', '1001'])).toThrow(/--random-graphs must be a whole number/);
    expect(() => parseBenchArgs(['--jobs', '0'])).toThrow(/--jobs must be a whole number/);
    expect(() => parseBenchArgs(['--out'])).toThrow("Option '--out <value>' argument missing; see --help");
  });

  test('--help lists --system-tokens with its default', () => {
    expect(BENCH_HELP).toMatch(/--system-tokens N\s+system prompt size in tokens/);
    expect(BENCH_HELP).toContain('(default: 8000)');
  });

  test('progress: a bar for terminals, a line per run for logs', () => {
    expect(progressBar(5, 10, 'W1 inject', 10)).toBe('[#####.....]  5/10  W1 inject');
    expect(progressLine(3, 55, 'virtual W1 block', 257_300)).toBe('3/55 virtual W1 block: makespan 257.3 s');
  });
});
