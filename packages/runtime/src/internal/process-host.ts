import process from 'node:process';
import type { ShutdownHost } from './shutdown.ts';

/** Signals and exit through `node:process` (Node and Bun). */
export function processShutdownHost(): ShutdownHost {
  let onInt: (() => void) | undefined;
  let onTerm: (() => void) | undefined;
  let onHup: (() => void) | undefined;
  let onExit: (() => void) | undefined;
  return {
    install(onSignal, exitHook) {
      onInt = () => onSignal('SIGINT');
      onTerm = () => onSignal('SIGTERM');
      onHup = () => onSignal('SIGHUP');
      onExit = exitHook;
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      process.on('SIGHUP', onHup);
      process.on('exit', onExit);
    },
    uninstall() {
      if (onInt) process.off('SIGINT', onInt);
      if (onTerm) process.off('SIGTERM', onTerm);
      if (onHup) process.off('SIGHUP', onHup);
      if (onExit) process.off('exit', onExit);
    },
    exit(code) {
      process.exit(code);
    },
  };
}

/** Sends `signal` to the process group `pgid`; a group that is gone is not an error. */
export function killGroup(pgid: number, signal: string): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group has already exited
  }
}

/** `kill(2)` through `node:process` (Node and Bun); throws ESRCH when there is no such process. */
export function sendSignal(pid: number, signal: string | 0): void {
  process.kill(pid, signal);
}

/** The host environment without undefined entries. */
export function processEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}
