/**
 * @module @bgtasks/agent/internal: helpers that bgtasks' own packages share. Not public: names
 * here may change or go in any release.
 */
export { cachedMessages, cachedSystem, cachedTools } from '../cache-breakpoints.ts';
