/**
 * The OS sandbox of a job: what it may write, what it may not read, what network it sees. Core
 * validates and resolves the option; the runtime enforces it at spawn (bubblewrap on Linux, see
 * docs/sandbox.md). A job is never run unsandboxed when a sandbox was asked for: a runtime that
 * cannot enforce it makes the executor throw {@link SandboxUnavailableError}.
 */
import * as z from 'zod';
import { BgTasksError, type BgTasksErrorOptions } from './errors.ts';

/** Credentials a sandboxed job may not read unless the spec says otherwise (`~` is the job's HOME). */
export const DEFAULT_DENY_READ: readonly string[] = [
  '~/.ssh',
  '~/.aws',
  '~/.config/gcloud',
  '~/.azure',
  '~/.kube',
  '~/.docker/config.json',
  '~/.gnupg',
  '~/.netrc',
  '~/.npmrc',
  '~/.pypirc',
  '~/.git-credentials',
  '~/.config/gh',
  '.env',
  '.env.local',
  '.env.production',
  // Unix sockets stay connectable on a read-only file system: hide the ones that grant power.
  '/run/docker.sock',
  '/var/run/docker.sock',
  '/run/containerd',
  '/run/podman',
  '/run/dbus',
  '/run/user',
];

/** Most paths or ports one sandbox list takes. */
const MAX_ENTRIES = 64;

const PathList = z
  .array(
    z
      .string()
      .min(1, 'a path must not be empty')
      .refine((p) => !p.includes('\0'), 'a path must not contain NUL'),
  )
  .max(MAX_ENTRIES, `at most ${MAX_ENTRIES} paths`);

/** Schema of {@link JobSpec.sandbox} and of the executor's default. */
export const SandboxSpecSchema = z.union(
  [
    z.boolean(),
    z
      .object({
        /** Extra writable paths (the job's cwd and a private /tmp always are). Relative: to the cwd. */
        allowWrite: PathList.optional(),
        /** Extra unreadable paths, added to {@link DEFAULT_DENY_READ}. Relative: to the cwd. */
        denyRead: PathList.optional(),
        /** Replace the default read denies instead of adding to them. */
        replaceDefaultDenyRead: z.boolean().optional(),
        /** `off` (default): the job's own empty network; `host`: the host's network, unrestricted. */
        network: z.enum(['off', 'host']).optional(),
        /** Loopback ports of the host the job may connect to (as 127.0.0.1:PORT) with network `off`. */
        allowPorts: z.array(z.number().int().min(1).max(65_535)).max(MAX_ENTRIES).optional(),
      })
      .strict(),
  ],
  {
    error:
      'must be true, false, or { allowWrite?: [paths], denyRead?: [paths], replaceDefaultDenyRead?: boolean, network?: "off" | "host", allowPorts?: [1-65535] }',
  },
);

/** The `sandbox` option of a job or an executor: `true` for the defaults, an object to adjust them. */
export type SandboxSpec = z.infer<typeof SandboxSpecSchema>;

/** What a runtime enforces (see `SpawnOptions.sandbox`): absolute paths, decided by core. */
export interface SpawnSandbox {
  /** Writable paths besides the private /tmp; the job's cwd is the first. */
  allowWrite: string[];
  /** Paths made unreadable (those that exist when the job starts). */
  denyRead: string[];
  /** `off`: a network namespace of its own (loopback only); `host`: the host's network. */
  network: 'off' | 'host';
  /** Host loopback ports reachable from inside at 127.0.0.1 with network `off`. */
  allowPorts: number[];
}

/** Where a sandbox's relative and `~` paths start from. */
export interface SandboxContext {
  /** The job's absolute working directory. */
  cwd: string;
  /** The job's HOME, when it has one. */
  home?: string;
}

function absolute(path: string, context: SandboxContext): string | undefined {
  if (path === '~' || path.startsWith('~/')) {
    return context.home === undefined ? undefined : normalize(context.home + path.slice(1));
  }
  return normalize(path.startsWith('/') ? path : `${context.cwd}/${path}`);
}

/** `/a/./b/../c/` -> `/a/c`, without touching the file system. */
function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/**
 * The sandbox a job runs in: its own `sandbox` when set (`false` turns the executor's default
 * off), else the executor's default; undefined for none.
 */
export function resolveSandbox(
  own: SandboxSpec | undefined,
  fallback: SandboxSpec | undefined,
  context: SandboxContext,
): SpawnSandbox | undefined {
  const spec = own ?? fallback;
  if (spec === undefined || spec === false) return undefined;
  const options = spec === true ? {} : spec;
  const paths = (list: readonly string[]): string[] => [
    ...new Set(list.map((p) => absolute(p, context)).filter((p) => p !== undefined)),
  ];
  return {
    allowWrite: paths([context.cwd, ...(options.allowWrite ?? [])]),
    denyRead: paths([...(options.replaceDefaultDenyRead ? [] : DEFAULT_DENY_READ), ...(options.denyRead ?? [])]),
    network: options.network ?? 'off',
    allowPorts: [...new Set(options.allowPorts ?? [])],
  };
}

/** What output lines say when the sandbox refused something, and what to tell the model. */
const VIOLATIONS: readonly { test: RegExp; says: string }[] = [
  { test: /read-only file system|\bEROFS\b/i, says: 'a write outside the allowed paths' },
  { test: /permission denied|\bEACCES\b/i, says: 'a read of a denied path (or a permission error)' },
  {
    test: /network is unreachable|\bENETUNREACH\b|could not resolve host|temporary failure in name resolution|\bEAI_AGAIN\b|name or service not known/i,
    says: 'a network connection (the job has no network)',
  },
  { test: /connection refused|\bECONNREFUSED\b|couldn't connect to server/i, says: 'a connection to a port not allowed' },
];

/**
 * One short line for a sandboxed job's notice naming what the sandbox seems to have blocked,
 * from its output; undefined when nothing looks blocked.
 * @example
 * sandboxViolations("sh: 1: cannot create /etc/x: Read-only file system");
 * // 'blocked: a write outside the allowed paths; ask the user to allow what the job needs (sandbox allowWrite, allowPorts, network)'
 */
export function sandboxViolations(output: string): string | undefined {
  const seen = VIOLATIONS.filter((v) => v.test.test(output)).map((v) => v.says);
  if (seen.length === 0) return undefined;
  return `blocked: ${seen.join(', ')}; ask the user to allow what the job needs (sandbox allowWrite, allowPorts, network)`;
}

const SANDBOX_UNAVAILABLE = Symbol.for('bgtasks.error.SandboxUnavailableError');

/**
 * A sandbox was asked for and this host cannot enforce it (no bubblewrap, user namespaces off, a
 * runtime or platform without one). The message names what is missing and how to install it.
 */
export class SandboxUnavailableError extends BgTasksError {
  readonly [SANDBOX_UNAVAILABLE] = true;

  constructor(reason: string, options: BgTasksErrorOptions = {}) {
    super(`the job sandbox cannot run here: ${reason}; no job is run unsandboxed`, options);
    this.name = 'SandboxUnavailableError';
  }

  static override isInstance(value: unknown): value is SandboxUnavailableError {
    return typeof value === 'object' && value !== null && SANDBOX_UNAVAILABLE in value;
  }
}

/** The parts of a runtime the sandbox helpers below use. */
interface SandboxRuntime {
  readonly name: string;
  realPath?(path: string): string;
  sandboxProblem?(sandbox: SpawnSandbox): string | undefined;
}

/**
 * Throws {@link SandboxUnavailableError} when `spec` asks for a sandbox `runtime` cannot enforce;
 * returns the validated spec. Called for the executor's default at construction and for every
 * submitted job, so a job never runs unsandboxed by surprise.
 */
export function checkSandbox(runtime: SandboxRuntime, spec: unknown): SandboxSpec | undefined {
  if (spec === undefined) return undefined;
  const parsed = SandboxSpecSchema.safeParse(spec);
  if (!parsed.success) throw new SandboxUnavailableError(`sandbox: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const wanted = resolveSandbox(parsed.data, undefined, { cwd: '/' });
  if (wanted === undefined) return parsed.data;
  const problem = runtime.sandboxProblem ? runtime.sandboxProblem(wanted) : `the ${runtime.name} runtime has no sandbox`;
  if (problem !== undefined) throw new SandboxUnavailableError(problem);
  return parsed.data;
}

/** `{ sandbox }` for `runtime.spawn` when the job runs sandboxed, else `{}`. */
export function spawnSandbox(
  runtime: SandboxRuntime,
  own: SandboxSpec | undefined,
  fallback: SandboxSpec | undefined,
  cwd: string | undefined,
  env: Record<string, string>,
): { sandbox?: SpawnSandbox } {
  if ((own ?? fallback ?? false) === false) return {};
  let dir = cwd ?? '.';
  try {
    dir = runtime.realPath ? runtime.realPath(dir) : dir;
  } catch {
    // A cwd that does not exist fails the spawn itself, which says so.
  }
  const sandbox = resolveSandbox(own, fallback, { cwd: dir, ...(env.HOME ? { home: env.HOME } : {}) });
  return sandbox ? { sandbox } : {};
}

/** `{ sandbox: line }` for the final notice of a sandboxed job whose output shows a refusal. */
export function sandboxNotice(
  own: SandboxSpec | undefined,
  fallback: SandboxSpec | undefined,
  tail: string,
): { sandbox?: string } {
  if ((own ?? fallback ?? false) === false) return {};
  const line = sandboxViolations(tail);
  return line === undefined ? {} : { sandbox: line };
}
