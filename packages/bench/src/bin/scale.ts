// Entry point of `npm run bench:scale` on one runtime: progress on stderr, one JSON line on stdout.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDurableStore, createRuntime } from '@bgtasks/runtime';
import { measureScale } from '../scale.ts';
import { gcForHost, rawSpawnForHost } from './raw-spawn.ts';

function intFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`${name} must be a positive whole number, got ${process.argv[at + 1] ?? 'nothing'}`);
    process.exit(2);
  }
  return value;
}

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
  jobs: intFlag('--jobs', 1000),
  rounds: intFlag('--rounds', 3),
  // --durable: each cap also runs its jobs durable, on a fresh state directory per round.
  ...(process.argv.includes('--durable')
    ? { durableStore: () => createDurableStore({ dir: join(mkdtempSync(join(tmpdir(), 'bgtasks-scale-')), 'host') }) }
    : {}),
  onRound: (line) => process.stderr.write(`  ${line}\n`),
});
console.log(JSON.stringify(result));
