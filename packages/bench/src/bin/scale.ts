// Entry point of `npm run bench:scale` on one runtime: progress on stderr, one JSON line on stdout.
// --runtime and --json are the driver's (scripts/bench-scale.mjs): accepted and validated here.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDurableStore, createRuntime } from '@bgtasks/runtime';
import { UsageError } from '@bgtasks/runtime/cli';
import { measureScale } from '../scale.ts';
import { parseScaleArgs, SCALE_HELP } from '../scale-args.ts';
import { gcForHost, rawSpawnForHost } from './raw-spawn.ts';

try {
  const args = parseScaleArgs(process.argv.slice(2));
  if (args.help) {
    console.log(SCALE_HELP);
    process.exit(0);
  }
  // The driver's check of the flags before it measures on each runtime.
  if (process.env.BGTASKS_SCALE_ARGS_ONLY === '1') process.exit(0);
  const gc = gcForHost();
  const versions = process.versions as Record<string, string | undefined>;
  const version = versions.bun ?? versions.deno ?? process.version;
  const result = await measureScale({
    runtime: createRuntime(),
    rawSpawn: rawSpawnForHost(),
    rss: () => process.memoryUsage().rss,
    heapUsed: () => process.memoryUsage().heapUsed,
    heapTotal: () => process.memoryUsage().heapTotal,
    version,
    ...(gc ? { gc } : {}),
    jobs: args.jobs,
    rounds: args.rounds,
    // --durable: each cap also runs its jobs durable, on a fresh state directory per round.
    ...(args.durable
      ? { durableStore: () => createDurableStore({ dir: join(mkdtempSync(join(tmpdir(), 'bgtasks-scale-')), 'host') }) }
      : {}),
    onRound: (line) => process.stderr.write(`  ${line}\n`),
  });
  console.log(JSON.stringify(result));
} catch (error) {
  if (!UsageError.isInstance(error)) throw error;
  process.stderr.write(`bench:scale: ${error.message}\n`);
  process.exit(2);
}
