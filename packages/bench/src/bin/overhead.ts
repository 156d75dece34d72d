// Entry point of `npm run bench:overhead` on one runtime: prints one JSON line.
import { flagsHelp, numberFlag, parseFlags, UsageError } from '@bgtasks/runtime/cli';
import { measureOverhead } from '../overhead.ts';

const FLAGS = {
  runs: { type: 'string', value: 'N', default: '100', description: 'jobs measured per runtime (1 to 100000)' },
  help: { type: 'boolean', short: 'h', description: 'this text' },
} as const;

try {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  if (values.help) {
    console.log(
      `npm run bench:overhead -- [flags]\n\nSubmit-to-notice against raw spawn-to-exit of \`true\`, p50/p95, on Node, Bun and Deno.\n\n${flagsHelp(FLAGS)}`,
    );
    process.exit(0);
  }
  const runs = numberFlag('runs', (values.runs as string | undefined) ?? '100', { min: 1, max: 100_000, integer: true });
  console.log(JSON.stringify(await measureOverhead(runs)));
} catch (error) {
  if (!UsageError.isInstance(error)) throw error;
  process.stderr.write(`bench:overhead: ${error.message}\n`);
  process.exit(2);
}
