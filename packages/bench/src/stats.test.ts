import { describe, expect, test } from 'vitest';
import { studentTCdf, studentTQuantile } from './internal/student-t.ts';
import { mean, meanConfidenceInterval, percentile } from './stats.ts';

describe('percentile', () => {
  test('nearest rank on unsorted input', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 10)).toBe(1);
    expect(percentile(values, 90)).toBe(9);
  });

  test('no values give NaN', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(mean([])).toBeNaN();
  });
});

describe("Student's t", () => {
  test.each([
    // Quantiles from the standard t table (two-sided 95%, 90%, 99%).
    [0.975, 1, 12.7062047],
    [0.975, 2, 4.3026527],
    [0.975, 9, 2.2621572],
    [0.975, 99, 1.9842169],
    [0.95, 7, 1.8945786],
    [0.995, 4, 4.6040949],
    [0.975, 1e6, 1.9599663],
  ])('quantile %d with %d degrees of freedom is %d', (p, df, t) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(t, 6);
    expect(studentTQuantile(1 - p, df)).toBeCloseTo(-t, 6);
  });

  test('the CDF is symmetric and a half at zero', () => {
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(2, 5) + studentTCdf(-2, 5)).toBeCloseTo(1, 12);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 10); // Cauchy: 1/2 + atan(1)/π
  });
});

describe('meanConfidenceInterval', () => {
  test('1..10 at 95%: 5.5 ± 2.262157 × 3.027650 / √10', () => {
    const ci = meanConfidenceInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ci.mean).toBe(5.5);
    expect(ci.low).toBeCloseTo(3.334149, 5);
    expect(ci.high).toBeCloseTo(7.665851, 5);
  });

  test('another level: 2,4,4,4,5,5,7,9 at 90% is 5 ± 1.894579 × 0.755929', () => {
    const ci = meanConfidenceInterval([2, 4, 4, 4, 5, 5, 7, 9], 0.9);
    expect(ci.mean).toBe(5);
    expect(ci.low).toBeCloseTo(3.567832, 5);
    expect(ci.high).toBeCloseTo(6.432168, 5);
  });

  test('two values: one degree of freedom, a wide interval', () => {
    expect(meanConfidenceInterval([0, 2])).toEqual({
      mean: 1,
      low: expect.closeTo(-11.706205, 5),
      high: expect.closeTo(13.706205, 5),
    });
  });

  test('no spread gives a point; one value or none give NaN bounds; a bad level throws', () => {
    expect(meanConfidenceInterval([0.9, 0.9, 0.9])).toEqual({ mean: 0.9, low: 0.9, high: 0.9 });
    const one = meanConfidenceInterval([0.9]);
    expect(one.mean).toBe(0.9);
    expect(one.low).toBeNaN();
    expect(meanConfidenceInterval([]).mean).toBeNaN();
    expect(() => meanConfidenceInterval([1, 2], 95)).toThrow(RangeError);
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
