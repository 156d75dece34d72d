/**
 * @module @bgtasks/polling/internal: helpers that bgtasks' own packages share. Not public: names
 * here may change or go in any release.
 */
export { jobLine, liveJobIds, noticeOf } from '../job-text.ts';
export { errorOutcome, MAX_ERROR_CHARS } from '../tool.ts';
