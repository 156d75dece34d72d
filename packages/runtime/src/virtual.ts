/**
 * The virtual runtime: a clock that jumps straight to the next timer, and scripted processes
 * (duration, exit code, output) instead of real ones. A 5-minute build costs microseconds, and
 * the same inputs always give the same timeline.
 */
import {
  AbortedError,
  type Child,
  type ChildStdin,
  checkDuration,
  type ExitStatus,
  type KillSignal,
  type Runtime,
  type RuntimeFiles,
  type ShutdownHook,
  type SpawnOptions,
  type SpawnSandbox,
} from '@bgtasks/core';
import { ChunkQueue } from './internal/chunk-queue.ts';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** Clock reading at start, in ms. Default 0. */
  startMs?: number;
  /**
   * Advance by itself: whenever the host's event loop comes round (all promise reactions have
   * run), jump to the earliest timer. Default true. With false, call {@link VirtualClock.advance}.
   */
  autoAdvance?: boolean;
  /**
   * Host event-loop turns the clock waits, with nothing new scheduled, before it jumps. More
   * turns let work that hops through real macrotasks (streams, I/O) finish first. Default 2.
   */
  idleTurns?: number;
  /**
   * How the clock waits for a host event-loop turn. `timeout` (default): `setTimeout(0)`, which
   * hosts clamp to about 1 ms, so virtual time advances at most about one timer per 2 ms of real
   * time, and code that waits in real time meanwhile (an SDK's retry backoff) sees a bounded
   * stretch of virtual time pass. `immediate`: `setImmediate`, no clamp: many times faster when
   * everything waits on this clock (a benchmark in virtual time), but virtual time then races
   * ahead of any real-time wait.
   */
  idleTurn?: 'timeout' | 'immediate';
}

/** A monotonic clock in virtual milliseconds with timers ordered by (time, creation). */
export class VirtualClock {
  #now: number;
  #timers: Timer[] = [];
  #seq = 0;
  #tickScheduled = false;
  #holds = 0;
  #idleTurnsLeft = 0;
  readonly autoAdvance: boolean;
  readonly idleTurns: number;
  readonly idleTurn: 'timeout' | 'immediate';

  constructor(options: VirtualClockOptions = {}) {
    this.#now = options.startMs ?? 0;
    this.autoAdvance = options.autoAdvance ?? true;
    this.idleTurns = Math.max(1, Math.floor(options.idleTurns ?? 2));
    this.idleTurn = options.idleTurn ?? 'timeout';
  }

  /**
   * Stops the clock from advancing by itself until the returned function is called: for work in
   * virtual time that waits on real I/O and must not see time pass meanwhile.
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      this.#schedule();
    };
  }

  now(): number {
    return this.#now;
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Calls `fire` when the clock reaches now + `ms`; returns a cancel function. */
  setTimer(ms: number, fire: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fire };
    // Keep sorted by (at, seq); insertion from the back is cheap for the common increasing case.
    let i = this.#timers.length;
    while (i > 0) {
      const prev = this.#timers[i - 1];
      if (prev && (prev.at < timer.at || (prev.at === timer.at && prev.seq < timer.seq))) break;
      i--;
    }
    this.#timers.splice(i, 0, timer);
    this.#idleTurnsLeft = this.idleTurns;
    this.#schedule();
    return () => {
      const at = this.#timers.indexOf(timer);
      if (at >= 0) this.#timers.splice(at, 1);
    };
  }

  /** Resolves when the clock reaches now + `ms`; `Infinity` waits until `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    try {
      checkDuration('sleep ms', ms, { zero: true, infinite: true });
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(new AbortedError());
    if (ms === Number.POSITIVE_INFINITY) {
      // No timer: the clock must never jump to Infinity.
      return new Promise((_, reject) => {
        signal?.addEventListener('abort', () => reject(new AbortedError()), { once: true });
      });
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        cancel();
        reject(new AbortedError());
      };
      const cancel = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Fires the earliest timer, moving the clock to its time; false when none is left. */
  step(): boolean {
    const timer = this.#timers.shift();
    if (!timer) return false;
    this.#now = Math.max(this.#now, timer.at);
    timer.fire();
    return true;
  }

  /** Moves the clock forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      const first = this.#timers[0];
      if (!first || first.at > target) break;
      this.step();
      await settle();
    }
    this.#now = Math.max(this.#now, target);
  }

  #schedule(): void {
    if (!this.autoAdvance || this.#tickScheduled || this.#holds > 0 || this.#timers.length === 0) return;
    this.#tickScheduled = true;
    const tick = (): void => {
      this.#tickScheduled = false;
      if (this.#holds > 0) return;
      if (this.#idleTurnsLeft > 1) {
        this.#idleTurnsLeft--;
      } else {
        this.#idleTurnsLeft = this.idleTurns;
        this.step();
      }
      this.#schedule();
    };
    if (this.idleTurn === 'immediate') setImmediate(tick);
    else setTimeout(tick, 0);
  }
}

/** Lets every queued promise reaction run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** What a scripted process does. */
export interface ScriptedProcess {
  /** Virtual run time in ms. */
  durationMs: number;
  /** Exit code at the end; default 0. */
  exitCode?: number;
  /** Written to stdout, all at once at `outputAtMs`. */
  stdout?: string | Uint8Array;
  /** Written to stderr. */
  stderr?: string | Uint8Array;
  /** When the output appears, ms after start; default at exit. */
  outputAtMs?: number;
  /** Ignores SIGTERM (only SIGKILL ends it). */
  ignoreTerm?: boolean;
}

/** Decides what a command does on the virtual runtime. */
export type ProcessScript = (command: string, options: SpawnOptions) => ScriptedProcess;

const encoder = new TextEncoder();

function runSimple(cmd: string): ScriptedProcess | undefined {
  const words = cmd.trim().split(/\s+/);
  const [head, ...rest] = words;
  switch (head) {
    case 'sleep': {
      const s = Number(rest[0]);
      return Number.isFinite(s) && s >= 0 ? { durationMs: s * 1000 } : undefined;
    }
    case 'true':
    case ':':
      return { durationMs: 0 };
    case 'false':
      return { durationMs: 0, exitCode: 1 };
    case 'exit':
      return { durationMs: 0, exitCode: Number(rest[0] ?? 0) };
    case 'echo':
      return { durationMs: 0, stdout: `${rest.join(' ').replace(/^(['"])(.*)\1$/, '$2')}\n` };
    default:
      return undefined;
  }
}

/**
 * The default script: understands `sleep N`, `echo ...`, `true`, `false`, `exit N`, joined by
 * `&&` or `;`. Anything else exits 127 like a missing command. Output appears at the time of the
 * last `echo` (so `echo up && sleep 600` prints at once and runs on).
 */
export const defaultScript: ProcessScript = (command) => {
  let durationMs = 0;
  let stdout = '';
  let exitCode = 0;
  let echoedAtMs: number | undefined;
  for (const part of command.split(/(&&|;)/)) {
    const p = part.trim();
    if (p === '' || p === ';') continue;
    if (p === '&&') {
      if (exitCode !== 0) break;
      continue;
    }
    const step = runSimple(p);
    if (!step) {
      return {
        durationMs,
        exitCode: 127,
        stdout,
        stderr: `sh: ${p.split(/\s+/)[0]}: not found (the virtual runtime has no script for this command)\n`,
      };
    }
    durationMs += step.durationMs;
    if (typeof step.stdout === 'string') {
      stdout += step.stdout;
      echoedAtMs = durationMs;
    }
    exitCode = step.exitCode ?? 0;
  }
  // `echo ready && sleep 600` (a server): the output appears when echoed, not at exit.
  return {
    durationMs,
    exitCode,
    stdout,
    ...(echoedAtMs !== undefined && echoedAtMs < durationMs ? { outputAtMs: echoedAtMs } : {}),
  };
};

/** Options of {@link createVirtualRuntime}. */
export interface VirtualRuntimeOptions extends VirtualClockOptions {
  /** What each command does; {@link defaultScript} by default. */
  script?: ProcessScript;
  /** The environment {@link Runtime.env} reports. */
  env?: Record<string, string>;
  /** Share a clock between several runtimes or with a simulated model. */
  clock?: VirtualClock;
}

/** A {@link Runtime} on virtual time; `clock` is exposed for tests and simulations. */
export interface VirtualRuntime extends Runtime {
  readonly name: 'virtual';
  readonly clock: VirtualClock;
  /** Every command spawned so far, in order. */
  readonly spawned: readonly string[];
  /** Ports on 127.0.0.1 that {@link Runtime.probePort} finds listening; add and delete freely. */
  readonly openPorts: Set<number>;
  /** The sandbox each command was spawned with (undefined for none), in spawn order. */
  readonly sandboxes: readonly (SpawnSandbox | undefined)[];
  /** Text written to the stdin of each piped child, by pid. */
  readonly stdinWritten: ReadonlyMap<number, string>;
  /** Files written through {@link Runtime.files}, in memory, by path. */
  readonly fileContents: ReadonlyMap<string, Uint8Array>;
  /** Runs the shutdown hooks as if the host got `signal`. */
  shutdown(signal?: string): Promise<void>;
}

/** Creates a runtime on a {@link VirtualClock} with scripted processes. */
export function createVirtualRuntime(options: VirtualRuntimeOptions = {}): VirtualRuntime {
  const clock = options.clock ?? new VirtualClock(options);
  const script = options.script ?? defaultScript;
  const hooks = new Set<ShutdownHook>();
  const spawned: string[] = [];
  const sandboxes: (SpawnSandbox | undefined)[] = [];
  let nextPid = 10_000;
  const openPorts = new Set<number>();
  const stdinWritten = new Map<number, string>();
  const fileContents = new Map<string, Uint8Array>();
  const files: RuntimeFiles = {
    async mkdir() {},
    async append(path) {
      // Like the host's O_CREAT | O_EXCL: a file is created, never reused.
      if (fileContents.has(path)) throw new Error(`EEXIST: file already exists, open '${path}'`);
      fileContents.set(path, new Uint8Array(0));
      return {
        async write(bytes) {
          const old = fileContents.get(path) ?? new Uint8Array(0);
          const next = new Uint8Array(old.length + bytes.length);
          next.set(old);
          next.set(bytes, old.length);
          fileContents.set(path, next);
        },
        async close() {},
      };
    },
    read(path, offset, length) {
      const data = fileContents.get(path);
      if (!data) throw new Error(`ENOENT: no such file ${path}`);
      return data.slice(offset, offset + length);
    },
    async remove(path) {
      fileContents.delete(path);
    },
  };

  function spawn(command: string, spawnOptions: SpawnOptions = {}): Child {
    spawned.push(command);
    sandboxes.push(spawnOptions.sandbox);
    const plan = script(command, spawnOptions);
    const pid = nextPid++;
    const stdout = new ChunkQueue();
    const stderr = new ChunkQueue();
    let resolveExit!: (status: ExitStatus) => void;
    const exited = new Promise<ExitStatus>((r) => {
      resolveExit = r;
    });
    let alive = true;
    const cancels: Array<() => void> = [];
    const write = (): void => {
      const bytes = (v: string | Uint8Array | undefined) => (typeof v === 'string' ? encoder.encode(v) : v);
      const out = bytes(plan.stdout);
      const err = bytes(plan.stderr);
      if (out) stdout.push(out, clock.now());
      if (err) stderr.push(err, clock.now());
    };
    const end = (status: ExitStatus): void => {
      if (!alive) return;
      alive = false;
      for (const c of cancels) c();
      stdout.end();
      stderr.end();
      resolveExit(status);
    };
    const outputAt = Math.min(plan.outputAtMs ?? plan.durationMs, plan.durationMs);
    cancels.push(clock.setTimer(outputAt, write));
    cancels.push(clock.setTimer(plan.durationMs, () => end({ code: plan.exitCode ?? 0, signal: null })));
    let stdinOpen = spawnOptions.stdin === 'pipe';
    const decoder = new TextDecoder();
    const stdin: ChildStdin | undefined = stdinOpen
      ? {
          async write(bytes) {
            if (!stdinOpen || !alive) throw new Error('stdin is closed');
            stdinWritten.set(pid, (stdinWritten.get(pid) ?? '') + decoder.decode(bytes));
          },
          async close() {
            stdinOpen = false;
          },
        }
      : undefined;
    return {
      pid,
      stdout,
      stderr,
      exited,
      ...(stdin ? { stdin } : {}),
      kill(signal: KillSignal) {
        if (!alive) return;
        if (signal === 'SIGKILL' || !plan.ignoreTerm) end({ code: null, signal });
      },
      alive: () => alive,
    };
  }

  return {
    name: 'virtual',
    clock,
    spawned,
    sandboxes,
    openPorts,
    stdinWritten,
    fileContents,
    files,
    spawn,
    probePort: async (port) => openPorts.has(port),
    // Nothing real runs here: the sandbox is accepted and recorded (see `sandboxes`), not enforced.
    sandboxProblem: () => undefined,
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    env: () => ({ ...(options.env ?? {}) }),
    onShutdown(fn) {
      hooks.add(fn);
      return () => hooks.delete(fn);
    },
    async shutdown(signal = 'SIGTERM') {
      await Promise.allSettled([...hooks].map(async (h) => h(signal)));
    },
  };
}
