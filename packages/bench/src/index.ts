/** @module @bgtasks/bench: benchmarks of bgtasks (executor overhead; strategies). */
export { measureOverhead, type OverheadResult } from './overhead.ts';
export { percentile } from './stats.ts';
