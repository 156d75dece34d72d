import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  choiceFlag,
  flagsHelp,
  numberFlag,
  parseFlags,
  readTextFileBounded,
  terminalSafe,
  UsageError,
  withoutFlag,
} from './cli.ts';

const FLAGS = {
  scale: { type: 'string', value: 'F', default: '1', description: 'times F' },
  json: { type: 'boolean', default: 'off', description: 'JSON out' },
  help: { type: 'boolean', short: 'h', description: 'this help' },
} as const;

describe('parseFlags', () => {
  test('reads long and short flags and positionals', () => {
    expect(parseFlags(['--scale', '0.5', '-h', 'do it'], FLAGS, { positionals: true })).toEqual({
      values: { scale: '0.5', help: true },
      positionals: ['do it'],
    });
  });

  test.each([
    [['--bogus'], "Unknown option '--bogus'; see --help"],
    [['--scale'], "Option '--scale <value>' argument missing; see --help"],
    [['stray'], /Unexpected argument 'stray'.*; see --help$/],
  ])('%j is one UsageError line', (argv, message) => {
    let error: unknown;
    try {
      parseFlags(argv, FLAGS);
    } catch (e) {
      error = e;
    }
    expect(UsageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('flagsHelp', () => {
  test('lists every flag with its value and its default', () => {
    const help = flagsHelp(FLAGS);
    expect(help).toMatch(/--scale F\s+times F \(default: 1\)/);
    expect(help).toMatch(/--json\s+JSON out \(default: off\)/);
    expect(help).toMatch(/-h, --help\s+this help$/m);
  });
});

describe('numberFlag', () => {
  test.each(['abc', '', ' ', 'NaN', 'Infinity', '1e999', '0x10', '1,5', '--1'])(
    'refuses %j with the flag and what is valid',
    (text) => {
      expect(() => numberFlag('scale', text, { min: 0, exclusiveMin: true, max: 10 })).toThrow(
        /^--scale must be a number more than 0 and at most 10, got .*; see --help$/,
      );
    },
  );

  test('checks bounds and whole numbers', () => {
    expect(numberFlag('scale', '0.05', { min: 0, exclusiveMin: true })).toBe(0.05);
    expect(numberFlag('scale', '.5')).toBe(0.5);
    expect(() => numberFlag('scale', '0', { min: 0, exclusiveMin: true })).toThrow(/more than 0, got 0/);
    expect(() => numberFlag('n', '2.5', { integer: true })).toThrow(/--n must be a whole number/);
    expect(numberFlag('n', '12', { integer: true, min: 1 })).toBe(12);
  });

  test('choiceFlag names the choices', () => {
    expect(choiceFlag('poll', 'backoff', ['every_turn', 'backoff'])).toBe('backoff');
    expect(() => choiceFlag('poll', 'x', ['every_turn', 'backoff'])).toThrow(
      '--poll must be one of every_turn, backoff, got "x"; see --help',
    );
  });
});

describe('readTextFileBounded', () => {
  test('reads a small file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bgtasks-cli-')), 'a.yaml');
    writeFileSync(file, 'name: a\n');
    expect(readTextFileBounded('scenario', file, 100)).toBe('name: a\n');
  });

  test('refuses /dev/zero at the cap instead of reading without end', () => {
    expect(() => readTextFileBounded('scenario', '/dev/zero', 1 << 20)).toThrow(
      '--scenario: /dev/zero is larger than 1048576 bytes, the most --scenario reads',
    );
  });

  test('a file one byte over the cap is refused, at the cap is read', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bgtasks-cli-')), 'big');
    writeFileSync(file, 'x'.repeat(101));
    expect(() => readTextFileBounded('scenario', file, 100)).toThrow(/larger than 100 bytes/);
    expect(readTextFileBounded('scenario', file, 101)).toHaveLength(101);
  });

  test('a directory or a missing file is a UsageError', () => {
    expect(() => readTextFileBounded('scenario', tmpdir(), 100)).toThrow(/is a directory, not a file/);
    expect(() => readTextFileBounded('scenario', '/nonexistent/x.yaml', 100)).toThrow(
      '--scenario: cannot read /nonexistent/x.yaml: no such file',
    );
  });
});

describe('terminalSafe', () => {
  test('shows escape sequences and control characters instead of sending them', () => {
    const hostile = 'a\x1b[2J\x1b]0;pwned\x07b\rc\bd\x9b31m\u202eevil';
    const safe = terminalSafe(hostile);
    expect(safe).toBe('a\\x1b[2J\\x1b]0;pwned\\x07b\\rc\\x08d\\x9b31m\\u202eevil');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting none is left
    expect(safe).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });

  test('keeps newlines and tabs when asked, and plain text as it is', () => {
    expect(terminalSafe('line 1\n\tline 2 ✓', { keepNewlines: true })).toBe('line 1\n\tline 2 ✓');
    expect(terminalSafe('a\nb')).toBe('a\\nb');
  });
});

test('withoutFlag drops --runtime X and --runtime=X only', () => {
  expect(withoutFlag(['--runtime', 'bun', '-n', 'poll', '--runtime=deno', 'x'])).toEqual(['-n', 'poll', 'x']);
});
