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
console.log('runtime   runs  spawn p50  spawn p95  notice p50  notice p95  ratio p50  ratio p95  (ms)');
let failed = false;
for (const [name, cmd, argv] of runtimes) {
  process.stderr.write(`measuring on ${name}...\n`);
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let m;
  try {
    m = JSON.parse(line);
  } catch {
    failed = true;
    console.log(`${name.padEnd(8)}  failed: ${(r.stderr || line).trim().split('\n').slice(-3).join(' | ')}`);
    continue;
  }
  console.log(
    `${name.padEnd(8)} ${String(m.runs).padStart(5)} ${fmt(m.spawnP50Ms)}   ${fmt(m.spawnP95Ms)}   ${fmt(m.noticeP50Ms)}    ${fmt(m.noticeP95Ms)}    ${fmt(m.noticeP50Ms / m.spawnP50Ms)}   ${fmt(m.noticeP95Ms / m.spawnP95Ms)}`,
  );
}
process.exit(failed ? 1 : 0);
