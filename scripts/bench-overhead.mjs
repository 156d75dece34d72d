#!/usr/bin/env node
// npm run bench:overhead [-- --runs N]: submit-to-notice vs raw spawn-to-exit for `true`, p50/p95,
// measured on Node, Bun and Deno in turn (each in its own process), then tabulated.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'packages/bench/src/bin/overhead.ts');
const bin = (name) => join(root, 'node_modules/.bin', name);
const args = process.argv.slice(2);
const runtimes = [
  ['node', process.execPath, ['--conditions=@bgtasks/source', '--import', 'tsx', entry, ...args]],
  ['bun', bin('bun'), ['--conditions=@bgtasks/source', entry, ...args]],
  ['deno', bin('deno'), ['run', '-A', '--conditions=@bgtasks/source', entry, ...args]],
];
const fmt = (n) => n.toFixed(2).padStart(8);
if (args.includes('--help') || args.includes('-h')) {
  // The flags are the per-runtime entry's: let it print them.
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry, '--help'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
let failed = false;
let header = false;
const row = (text) => {
  // The header comes with the first row, so bad input prints its one line alone.
  if (!header) console.log('runtime   runs  spawn p50  spawn p95  notice p50  notice p95  ratio p50  ratio p95  (ms)');
  header = true;
  console.log(text);
};
for (const [name, cmd, argv] of runtimes) {
  // Progress on a terminal only, erased again: bad input must print its one line alone.
  if (process.stderr.isTTY) process.stderr.write(`measuring on ${name}...`);
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8' });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  if (r.status === 2) {
    // Bad input: the same one line on every runtime, so say it once.
    process.stderr.write(r.stderr);
    process.exit(2);
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let m;
  try {
    m = JSON.parse(line);
  } catch {
    failed = true;
    row(`${name.padEnd(8)}  failed: ${(r.stderr || line).trim().split('\n').slice(-3).join(' | ')}`);
    continue;
  }
  row(
    `${name.padEnd(8)} ${String(m.runs).padStart(5)} ${fmt(m.spawnP50Ms)}   ${fmt(m.spawnP95Ms)}   ${fmt(m.noticeP50Ms)}    ${fmt(m.noticeP95Ms)}    ${fmt(m.noticeP50Ms / m.spawnP50Ms)}   ${fmt(m.noticeP95Ms / m.spawnP95Ms)}`,
  );
}
process.exit(failed ? 1 : 0);
