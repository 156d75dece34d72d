/**
 * `--runtime node|bun|deno`: runs this CLI again under another runtime, from the packages
 * installed beside it (the `bun` and `deno` npm packages, tsx for Node), and passes its exit
 * code through.
 */
import { spawn } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { runtimeCommand } from '@bgtasks/runtime/cli';

/** The command line that runs `script` with `args` under `runtime`. */
export const commandFor = runtimeCommand;
/** Runs the CLI entry under `runtime` and resolves with its exit code; Ctrl-C reaches it too. */
export function relaunch(runtime: 'node' | 'bun' | 'deno', args: readonly string[]): Promise<number> {
  const script = fileURLToPath(new URL('./bin.ts', import.meta.url));
  const [cmd, argv] = runtimeCommand(runtime, script, args);
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
