import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { UsageError } from './usage-error.ts';

const require = createRequire(import.meta.url);

function packageDir(name: string, flag: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new UsageError(`--${flag} ${name}: the "${name}" npm package is not installed; run npm install at the repository root`);
  }
}

/**
 * The command line that runs `script` with `args` under `runtime`, from the packages installed
 * beside bgtasks (the `bun` and `deno` npm packages). What `--runtime node|bun|deno` of every bin
 * re-runs itself with. A built `.js` script runs as it is; a `.ts` source (inside the repository)
 * runs with `--conditions=@bgtasks/source`, so workspace packages resolve to their sources, and
 * on Node through tsx (a devDependency of the repository: only the sources need it).
 */
export function runtimeCommand(
  runtime: 'node' | 'bun' | 'deno',
  script: string,
  args: readonly string[],
  flag = 'runtime',
): [string, string[]] {
  const fromSource = script.endsWith('.ts');
  const conditions = fromSource ? ['--conditions=@bgtasks/source'] : [];
  switch (runtime) {
    case 'bun':
      return [join(packageDir('bun', flag), 'bin', 'bun.exe'), [...conditions, script, ...args]];
    case 'deno': {
      const binary = join(packageDir('deno', flag), 'deno');
      return [existsSync(binary) ? binary : 'deno', ['run', '-A', ...conditions, script, ...args]];
    }
    default: {
      const node = process.versions.bun || (globalThis as { Deno?: unknown }).Deno ? 'node' : process.execPath;
      const loader = fromSource ? ['--import', import.meta.resolve('tsx')] : [];
      return [node, [...conditions, ...loader, script, ...args]];
    }
  }
}

/** `argv` without `--flag X` / `--flag=X` (to re-run under another runtime without looping). */
export function withoutFlag(argv: readonly string[], flag = 'runtime'): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === `--${flag}`) i++;
    else if (!a.startsWith(`--${flag}=`)) out.push(a);
  }
  return out;
}
