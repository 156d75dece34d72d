import { describe, expect, test } from 'vitest';
import { ANSI, fit } from './view.ts';

describe('fit', () => {
  test('keeps a short line as it is', () => {
    expect(fit('hello', 10)).toBe('hello');
  });

  test('cuts a long line to the width with an ellipsis', () => {
    expect(fit('abcdefghijkl', 6)).toBe('abcde…');
    expect(fit('abcdef', 6)).toBe('abcdef');
  });

  test('color codes take no room and are closed after a cut', () => {
    const colored = '\x1b[32mgreen text that is long\x1b[0m';
    const cut = fit(colored, 8);
    expect(cut.replace(ANSI, '')).toBe('green t…');
    expect(cut.endsWith('\x1b[0m')).toBe(true);
  });
});
