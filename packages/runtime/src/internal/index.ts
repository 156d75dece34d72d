/**
 * @module @bgtasks/runtime/internal: helpers for bgtasks' own packages and tests. Not public: names
 * here may change or go in any release.
 */
export { processStartTime } from '../job-registry.ts';
export { spawnWithChildProcess } from '../node.ts';
