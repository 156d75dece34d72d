// How much of the suite runs at once (read by scripts/test-all.mjs, which plain Node runs, and
// by vitest.config.ts). Types in test-layout.d.mts.

/**
 * The layout for a machine with `cores` cores whose 1-minute load average is `load`, when the
 * environment does not set one: three files and two runtimes at once while the cores are mostly
 * idle (most tests wait on processes and timers); fewer as other work keeps them busy, down to
 * one file and one runtime at a time on a saturated machine, where more processes would add no
 * speed and only stretch each test toward its timeout.
 */
export function defaultLayout(cores, load) {
  const idle = cores - load;
  if (idle >= cores / 2) return { workers: 3, runtimes: 2 };
  if (idle > 0) return { workers: 2, runtimes: 1 };
  return { workers: 1, runtimes: 1 };
}
