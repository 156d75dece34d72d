/**
 * `--runtime node|bun|deno`: runs this CLI again under another runtime, from the packages
 * installed beside it (the `bun` and `deno` npm packages), and passes its exit code through.
 * Installed, the CLI is built JavaScript and runs as it is; from the repository's sources it
 * runs with `--conditions=@bgtasks/source` (workspace packages resolve to src/*.ts) and, on Node, tsx.
 */
import { spawn } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { runtimeCommand } from '@bgtasks/runtime/cli';

/** The command line that runs `script` (the built `.js` or the source `.ts`) with `args` under `runtime`. */
export const commandFor = runtimeCommand;

/** This CLI's entry file beside this module: `bin.ts` in the sources, `bin.js` once built. */
export function entryScript(): string {
  return fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './bin.ts' : './bin.js', import.meta.url));
}

/** Runs the CLI entry under `runtime` and resolves with its exit code; Ctrl-C reaches it too. */
export function relaunch(runtime: 'node' | 'bun' | 'deno', args: readonly string[]): Promise<number> {
  const [cmd, argv] = runtimeCommand(runtime, entryScript(), args);
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: 'inherit', env: { ...process.env, BGTASKS_RELAUNCHED: runtime } });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('error', (error) => {
      process.stderr.write(`bgtasks-agent: could not start ${runtime}: ${error.message}\n`);
      resolve(2);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}
