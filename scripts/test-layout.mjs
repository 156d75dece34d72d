// How much of the suite runs at once (read by scripts/test-all.mjs, which plain Node runs, and
// by vitest.config.ts). Types in test-layout.d.mts.

/**
 * The layout for a machine with `cores` cores whose 1-minute load average is `load`, when the
 * environment does not set one: two files of one runtime at once while the cores have room (most
 * tests wait on processes and timers), one file at a time on a saturated machine, where more
 * processes would add no speed and only stretch each test toward its timeout. Three files and two
 * runtimes at once was tried on a quiet 2-core machine: 516 s instead of 607 s, but 9 tests failed
 * (timeouts of subprocess and worker tests, and the RSS file's neighbour), so it is opt-in through
 * BGTASKS_TEST_WORKERS and BGTASKS_TEST_CONCURRENCY.
 */
export function defaultLayout(cores, load) {
  if (cores - load > 0) return { workers: 2, runtimes: 1 };
  return { workers: 1, runtimes: 1 };
}
