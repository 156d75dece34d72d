import { describe, expect, test } from 'vitest';
import { meanConfidenceInterval, percentile } from './stats.ts';

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

describe('meanConfidenceInterval', () => {
  test('a t-based interval: mean +- t(0.975, n-1) x s / sqrt(n)', () => {
    // 1..5: mean 3, s = 1.5811, t(0.975, 4) = 2.776445 (tables), half-width 1.96324.
    const ci = meanConfidenceInterval([5, 1, 4, 2, 3]);
    expect(ci.mean).toBe(3);
    expect(ci.low).toBeCloseTo(1.036757, 5);
    expect(ci.high).toBeCloseTo(4.963243, 5);
    // Two values: t(0.975, 1) = 12.7062; mean 1, s = sqrt(2), half-width 12.7062.
    expect(meanConfidenceInterval([0, 2]).high).toBeCloseTo(1 + 12.706205, 4);
  });

  test('the level sets the quantile; many values approach the normal 1.96', () => {
    // 90%: t(0.95, 10) = 1.812461 on 11 values.
    const xs = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    const mean = 6 / 11;
    const s = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / 10);
    expect(meanConfidenceInterval(xs, 0.9).high - mean).toBeCloseTo((1.812461 * s) / Math.sqrt(11), 5);
    const many = Array.from({ length: 1001 }, (_, i) => i % 2);
    const m = meanConfidenceInterval(many);
    const sd = Math.sqrt(many.reduce((a, x) => a + (x - m.mean) ** 2, 0) / 1000);
    expect((m.high - m.mean) / (sd / Math.sqrt(1001))).toBeCloseTo(1.962339, 4);
  });

  test('one value has no interval; none has no mean', () => {
    expect(meanConfidenceInterval([0.9])).toEqual({ mean: 0.9, low: Number.NaN, high: Number.NaN });
    expect(meanConfidenceInterval([]).mean).toBeNaN();
  });
});
