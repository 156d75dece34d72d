/** Test support (not shipped): processes of the bin and of fixtures, under the runtime the suite runs on. */
import { type ChildProcess, spawn } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const g = globalThis as { Bun?: unknown; Deno?: unknown };

/** Workspace packages resolve to their sources (no build needed). */
const SOURCE = '--conditions=@bgtasks/source';

/** The command that runs TypeScript file `script` under the runtime running this code. */
export function runtimeCommand(script: string, args: readonly string[]): [string, string[]] {
  if (g.Bun !== undefined) return [process.execPath, [SOURCE, script, ...args]];
  if (g.Deno !== undefined) return [process.execPath, ['run', '-A', SOURCE, script, ...args]];
  return [process.execPath, [SOURCE, '--import', import.meta.resolve('tsx'), script, ...args]];
}

/** A child process whose stdout lines can be awaited. */
export interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly lines: string[];
  /** Resolves with the first stdout line matching `pattern` (past or future). */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  stderr(): string;
}

/** Spawns `script` (a TypeScript file) with `args` under the current runtime. */
export function spawnScript(script: string, args: readonly string[], env: Record<string, string> = {}): Proc {
  const [cmd, argv] = runtimeCommand(script, args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: string[] = [];
  let err = '';
  let partial = '';
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const l of [...listeners]) l();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const l of [...listeners]) l();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    pid: child.pid ?? -1,
    lines,
    exited,
    stderr: () => err,
    line(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines.find((l) => pattern.test(l));
          if (found !== undefined) {
            cleanup();
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`process exited before printing ${pattern}; stderr: ${err}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout: ${lines.join('\n')}; stderr: ${err}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

const workerBin = fileURLToPath(new URL('../bin/worker.ts', import.meta.url));

/** Starts a `bgtasks-worker` process and resolves once it is ready. */
export async function spawnWorker(args: readonly string[], env: Record<string, string> = {}): Promise<Proc> {
  const proc = spawnScript(workerBin, args, env);
  await proc.line(/ ready: /);
  return proc;
}

/** True while process (or group leader) `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it is true or `timeoutMs` passes; returns the last answer. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
