// Entry point of `npm run bench:overhead` on one runtime: prints one JSON line.
import { measureOverhead } from '../overhead.ts';

const runsAt = process.argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 100;
if (!Number.isInteger(runs) || runs <= 0) {
  console.error(`--runs must be a positive whole number, got ${process.argv[runsAt + 1]}`);
  process.exit(2);
}
console.log(JSON.stringify(await measureOverhead(runs)));
