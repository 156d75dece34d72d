/** Summary statistics of the benchmark: percentiles, the mean and its confidence interval. */
import { studentTQuantile } from './internal/student-t.ts';

/** The p-th percentile (0-100) of `values` by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** The arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** A mean with the bounds of its confidence interval. */
export interface MeanInterval {
  mean: number;
  low: number;
  high: number;
}

/**
 * The mean of `values` and its two-sided confidence interval at `level` (default 0.95) by
 * Student's t: mean ± t(1 - (1 - level) / 2, n - 1) × s / √n, with s the sample standard
 * deviation. It assumes independent draws (W7's graphs are: one seed each) and a mean that is
 * close to normal, which holds for 100 bounded efficiencies. Fewer than two values give NaN
 * bounds (no spread to measure); no values give NaN for all three.
 * @throws RangeError when `level` is not strictly between 0 and 1.
 * @example
 * meanConfidenceInterval([0.9, 0.95, 1]); // { mean: 0.95, low: 0.826..., high: 1.074... }
 */
export function meanConfidenceInterval(values: readonly number[], level = 0.95): MeanInterval {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be more than 0 and less than 1, got ${level}`);
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { mean: m, low: Number.NaN, high: Number.NaN };
  const variance = values.reduce((acc, v) => acc + (v - m) ** 2, 0) / (n - 1);
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * Math.sqrt(variance / n);
  return { mean: m, low: m - half, high: m + half };
}
