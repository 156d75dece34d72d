/**
 * @module @bgtasks/core/internal: helpers that bgtasks' own packages share. Not public: names here
 * may change or go in any release; import them from @bgtasks/core only if they move there.
 */
export { describeIssues } from '../describe-issues.ts';
export { defineError } from '../errors.ts';
export { buildJobEnv, isSecretName, isSecretValue, type JobEnvOptions, NON_INTERACTIVE_ENV } from '../job-env.ts';
export { Consumer, type JobSource } from '../notification-bus.ts';
export { QUOTE_MAX_CHARS, quoteInput } from '../quote-input.ts';
export { commandSlug } from './job-id.ts';
export { LeaseBook } from './lease-book.ts';
export { parseJobSpec } from './parse-spec.ts';
export { type LeasingConsumer, nextNotice, ReadyWaiters } from './ready-waiters.ts';
export { type RaceClock, raceStop, waitForEnds } from './wait-race.ts';
