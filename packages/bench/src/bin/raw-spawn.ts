// The runtime's own spawn API, called directly (not through @bgtasks/runtime), with the isolation
// and plumbing a job gets: its own process group (detached), stdin ignored, stdout and stderr
// piped and drained. The ceiling the executor is measured against. Bin-only code: it touches
// the runtime's globals, which library packages never do.
import { spawn } from 'node:child_process';
import type { RawSpawn } from '../scale.ts';

interface BunLike {
  spawn(
    cmd: string[],
    options: { env: Record<string, string>; stdin: 'ignore'; stdout: 'pipe'; stderr: 'pipe'; detached: boolean },
  ): { stdout: ReadableStream<Uint8Array>; stderr: ReadableStream<Uint8Array>; exited: Promise<number> };
}
interface DenoLike {
  Command: new (
    cmd: string,
    options: {
      args: string[];
      env: Record<string, string>;
      clearEnv: boolean;
      stdin: 'null';
      stdout: 'piped';
      stderr: 'piped';
      detached: boolean;
    },
  ) => { spawn(): { stdout: ReadableStream<Uint8Array>; stderr: ReadableStream<Uint8Array>; status: Promise<unknown> } };
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader();
  while (!(await reader.read()).done) {
    // discard
  }
}

const bunSpawn: RawSpawn = async (command, env) => {
  const api = (globalThis as { Bun?: BunLike }).Bun as BunLike;
  const p = api.spawn(['/bin/sh', '-c', command], { env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', detached: true });
  await Promise.all([p.exited, drain(p.stdout), drain(p.stderr)]);
};

const denoSpawn: RawSpawn = async (command, env) => {
  const api = (globalThis as { Deno?: DenoLike }).Deno as DenoLike;
  const p = new api.Command('/bin/sh', {
    args: ['-c', command],
    env,
    clearEnv: true,
    stdin: 'null',
    stdout: 'piped',
    stderr: 'piped',
    detached: true,
  }).spawn();
  await Promise.all([p.status, drain(p.stdout), drain(p.stderr)]);
};

const nodeSpawn: RawSpawn = (command, env) =>
  new Promise((resolve) => {
    const p = spawn('/bin/sh', ['-c', command], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let open = 3;
    const done = (): void => {
      if (--open === 0) resolve();
    };
    p.stdout?.on('data', () => {});
    p.stderr?.on('data', () => {});
    p.stdout?.on('close', done);
    p.stderr?.on('close', done);
    p.on('exit', done);
    p.on('error', () => resolve());
  });

/** The raw spawn of the runtime this process runs on. */
export function rawSpawnForHost(): RawSpawn {
  if ('Bun' in globalThis) return bunSpawn;
  if ('Deno' in globalThis) return denoSpawn;
  return nodeSpawn;
}

/** A full GC where the runtime exposes one (Node: --expose-gc; Deno: --v8-flags=--expose-gc; Bun: Bun.gc). */
export function gcForHost(): (() => void) | undefined {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun) return () => bun.gc(true);
  const gc = (globalThis as { gc?: () => void }).gc;
  return gc ? () => gc() : undefined;
}
