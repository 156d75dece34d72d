/**
 * @module @bgtasks/sim-model/internal: how the simulated model reads a request (knowledge of jobs,
 * token counts, strategy detection), for bgtasks' own packages and tests. Not public: names here
 * may change or go in any release.
 */
export { type Knowledge, type KnownJob, readKnowledge } from '../knowledge.ts';
export { countInputTokens } from '../request-tokens.ts';
export { detectStrategy, type SimStrategy } from '../strategy.ts';
export { type SeenJob, type SeenState, STATE_WORDS, startedIdIn, statesIn } from '../tool-results.ts';
