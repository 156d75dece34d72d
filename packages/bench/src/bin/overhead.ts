// Entry point of `npm run bench:overhead` on one runtime: progress on a terminal's stderr, one
// JSON line (figures and samples) on stdout; scripts/bench-overhead.mjs runs it on each runtime
// and tabulates. --json is the driver's: accepted (and validated) here, written there.
import { createRuntime } from '@bgtasks/runtime';
import { UsageError } from '@bgtasks/runtime/cli';
import { measureOverhead } from '../overhead.ts';
import { OVERHEAD_HELP, parseOverheadArgs } from '../overhead-args.ts';
import { rawSpawnForHost } from './raw-spawn.ts';

try {
  const args = parseOverheadArgs(process.argv.slice(2));
  if (args.help) {
    console.log(OVERHEAD_HELP);
    process.exit(0);
  }
  const versions = process.versions as Record<string, string | undefined>;
  const tty = process.stderr.isTTY === true;
  const result = await measureOverhead({
    runtime: createRuntime(),
    rawSpawn: rawSpawnForHost(),
    runs: args.runs,
    warmup: args.warmup,
    version: versions.bun ?? versions.deno ?? process.version,
    onRound: (done, total) => {
      if (tty && (done % 10 === 0 || done === total)) process.stderr.write(`\r  round ${done}/${total}\x1b[K`);
    },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  console.log(JSON.stringify(result));
} catch (error) {
  if (!UsageError.isInstance(error)) throw error;
  process.stderr.write(`bench:overhead: ${error.message}\n`);
  process.exit(2);
}
