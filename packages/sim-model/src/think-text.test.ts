// The filler that pads a think step to its output tokens is whole sentences: never a word cut in
// two ("Following the test fixtu"), never longer than asked, the same for the same seed.
import { describe, expect, test } from 'vitest';
import { padText } from './think-text.ts';

describe('padText', () => {
  test('pads with whole sentences up to the target, never past it, after a blank line', () => {
    for (const target of [120, 250, 1003]) {
      const out = padText('Checking the plan.', target, 'step', 7);
      expect(out.length).toBeLessThanOrEqual(target);
      expect(out.length).toBeGreaterThan(target - 60); // one filler sentence is at most 59 characters
      expect(out.startsWith('Checking the plan.\n\n')).toBe(true);
      expect(out).toMatch(/\.$/);
      for (const sentence of out.slice('Checking the plan.\n\n'.length).split(/(?<=\.) /)) {
        expect(sentence).toMatch(/^[A-Z][a-z ]+ the [a-z ]+\.$/);
      }
    }
  });

  test('leaves a text that is long enough, or too close to the target for a sentence, as it is', () => {
    expect(padText('x'.repeat(80), 50, 'k', 0)).toBe('x'.repeat(80));
    expect(padText('short', 12, 'k', 0)).toBe('short');
  });

  test('is the same for the same key and seed, and differs across seeds', () => {
    expect(padText('a', 400, 'k', 1)).toBe(padText('a', 400, 'k', 1));
    expect(padText('a', 400, 'k', 1)).not.toBe(padText('a', 400, 'k', 2));
  });
});
