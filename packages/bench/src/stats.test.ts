import { describe, expect, test } from 'vitest';
import { percentile } from './stats.ts';

describe('percentile', () => {
  test('nearest rank on unsorted input', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
  });

  test('no values give NaN', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});
