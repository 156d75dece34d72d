/**
 * The one interface through which bgtasks touches processes, time and the host. Implementations
 * live in `@bgtasks/runtime` (Node, Bun, Deno, virtual); core code never reaches past it.
 */

import type { SpawnSandbox } from './sandbox.ts';

/** Names of the runtimes bgtasks ships. */
export type RuntimeName = 'node' | 'bun' | 'deno' | 'virtual';

/** Options for {@link Runtime.spawn}. */
export interface SpawnOptions {
  /** Working directory; the host's current directory when omitted. */
  cwd?: string;
  /** The complete environment of the child (not merged with the host's). */
  env?: Record<string, string>;
  /**
   * A unique tag for this job: the runtime sets {@link JOB_MARKER_VAR} to it in the child's
   * environment, which every descendant inherits, so {@link Child.kill} and
   * {@link Child.alive} find processes that left the group (`setsid`, double fork, `nohup`).
   */
  marker?: string;
  /**
   * `null` (default): stdin is `/dev/null`. `pipe`: {@link Child.stdin} writes to the job's
   * standard input.
   */
  stdin?: 'null' | 'pipe';
  /**
   * Run the job in an OS sandbox (see docs/sandbox.md): the runtime wraps the command (bubblewrap
   * on Linux) so it writes only to `allowWrite` and a private /tmp, cannot read `denyRead`, has
   * the network asked for, and every process of the job lives in its own PID namespace.
   */
  sandbox?: SpawnSandbox;
}

/** The write end of a job's stdin pipe (see {@link SpawnOptions.stdin}). */
export interface ChildStdin {
  /** Writes `bytes`; resolves once the runtime has taken them. Rejects when the pipe is closed. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the pipe: the job reads end-of-file. Closing twice is a no-op. */
  close(): Promise<void>;
}

/** An append-only file (see {@link RuntimeFiles.append}). */
export interface FileSink {
  /** Appends `bytes`; resolves once written. */
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** File access for full job logs: a state directory, append-only files, ranged reads. */
export interface RuntimeFiles {
  /** Creates directory `path` (and its parents) with owner-only permissions. */
  mkdir(path: string): Promise<void>;
  /**
   * Creates `path` (owner-only) and opens it for appending. Fails when anything exists at `path`:
   * a planted symlink is never followed (`O_CREAT | O_EXCL | O_NOFOLLOW`).
   */
  append(path: string): Promise<FileSink>;
  /** Up to `length` bytes of `path` from byte `offset` (fewer at its end); synchronous. */
  read(path: string, offset: number, length: number): Uint8Array;
  /** Removes `path`; missing is not an error. */
  remove(path: string): Promise<void>;
}

/**
 * The variable that carries a job's marker (see {@link SpawnOptions.marker}). A process that
 * clears its environment (`env -i`) drops it and can no longer be found this way.
 */
export const JOB_MARKER_VAR = 'BGTASKS_JOB_MARKER';

/** How a child process ended. */
export interface ExitStatus {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  /** Name of the signal that ended the process, e.g. `SIGTERM`, or null. */
  signal: string | null;
  /** Set when the process could not be started at all (bad cwd, no shell). */
  error?: string;
  /** A durable job whose supervisor died without recording the end (SIGKILLed): how it ended is unknown. */
  lost?: boolean;
  /** A durable job whose end was asked for from outside the host (`bgtasks kill`). */
  killed?: boolean;
}

/** Signals bgtasks sends to a job's process group. */
export type KillSignal = 'SIGTERM' | 'SIGKILL' | 'SIGINT' | 'SIGHUP';

/** A running `sh -c` process, leader of its own process group. */
export interface Child {
  readonly pid: number;
  /** Output chunks; both end soon after the process exits even if a grandchild holds the pipe. */
  readonly stdout: AsyncIterable<Uint8Array>;
  readonly stderr: AsyncIterable<Uint8Array>;
  /** Resolves when the process itself exits (not when its pipes close). */
  readonly exited: Promise<ExitStatus>;
  /** The job's stdin, when spawned with `stdin: 'pipe'`. */
  readonly stdin?: ChildStdin;
  /**
   * Sends `signal` to the whole process group and to every process carrying the job's marker
   * (descendants that escaped the group, where the platform lets them be found: `/proc` on
   * Linux); a no-op once all are gone.
   */
  kill(signal: KillSignal): void;
  /**
   * True while any process of the job is alive: the leader, a member of its group, or a
   * process carrying its marker (zombies count as dead).
   */
  alive(): boolean;
  /**
   * Lets the host exit while the process runs on (a durable job outliving its host): the
   * runtime stops holding the host's event loop open for it.
   */
  detach?(): void;
  /**
   * True when a process of this job holds a TCP socket listening on `port` (IPv4 or IPv6, any
   * address). Absent where the platform cannot tell (no `/proc`): readiness by port then falls
   * back to a connect probe, and the ready notice says the listener's owner was not checked.
   */
  listensOn?(port: number): Promise<boolean>;
}

/**
 * A shutdown hook; may be async, the runtime waits a bounded time for it. `reason` is the
 * signal (`SIGINT`, `SIGTERM`, `SIGHUP`), `exit` when the host is exiting (nothing can be
 * awaited), or `force` when a second signal arrived during shutdown: kill everything now,
 * synchronously; the host exits right after.
 */
export type ShutdownHook = (reason: string) => void | Promise<void>;

/** What a runtime gives bgtasks: processes, a monotonic clock, timers, env and exit hooks. */
export interface Runtime {
  readonly name: RuntimeName;
  /** Runs `sh -c command` in its own process group with stdin from /dev/null (or a pipe). */
  spawn(command: string, options?: SpawnOptions): Child;
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with an AbortedError when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A copy of the host's environment. */
  env(): Record<string, string>;
  /**
   * Runs `fn` on SIGINT, SIGTERM, SIGHUP or exit of the host, and again with `force` on a second
   * signal during shutdown; returns a function that unregisters it.
   */
  onShutdown(fn: ShutdownHook): () => void;
  /**
   * The absolute path with every symlink resolved; throws when it does not exist. Needed only
   * for {@link ExecutorOptions.cwdRoot}.
   */
  realPath?(path: string): string;
  /**
   * True when a TCP connection to `127.0.0.1:port` is accepted (then closed at once); false when
   * refused or not accepted within `timeoutMs`. Needed for readiness by port.
   */
  probePort?(port: number, timeoutMs: number): Promise<boolean>;
  /** File access; needed for full job logs (`JobSpec.log`). */
  files?: RuntimeFiles;
  /**
   * Why {@link SpawnOptions.sandbox} cannot be enforced here (what is missing and how to install
   * it), or undefined when it can. A runtime without this method cannot sandbox.
   */
  sandboxProblem?(sandbox: SpawnSandbox): string | undefined;
}
