/**
 * What a job starts with: a spec checked against what the executor and runtime can do, its
 * working directory (confined to `cwdRoot`), its environment (the host's, scrubbed) and its
 * command line (under `setpriv` when isolated); then its process, spawned and registered.
 */
import { describeIssues } from '../describe-issues.ts';
import type { DurableJobs } from '../durable-jobs.ts';
import { InvalidJobSpecError } from '../errors.ts';
import type { ExecutorOptions, JobIsolation } from '../executor-options.ts';
import type { FullLogs } from '../full-log.ts';
import { type JobSpec, JobSpecSchema } from '../job.ts';
import { buildJobEnv } from '../job-env.ts';
import { lineMatcher } from '../job-monitors.ts';
import { compilePattern } from '../job-watch.ts';
import { quoteInput } from '../quote-input.ts';
import type { Child, Runtime } from '../runtime.ts';
import { checkSandbox, spawnSandbox } from '../sandbox.ts';
import type { Entry } from './job-entry.ts';

/** The spec, validated against the schema and what this executor (`logs`, `cwdRoot`) and runtime can do. */
export function checkSpec(runtime: Runtime, spec: JobSpec, logs: FullLogs, cwdRoot: string | undefined): JobSpec {
  const parsed = JobSpecSchema.safeParse(spec);
  if (!parsed.success) {
    throw new InvalidJobSpecError([
      ...describeIssues(parsed.error),
      'valid fields: command (non-empty string), id?, cwd?, env? (NAME: value), timeoutMs? (positive integer or Infinity), label?, ready? ({ pattern } | { port } | { idleMs }), progressMs? (>= 100), stdin? ("null" | "pipe"), log? (boolean), sandbox? (boolean | { allowWrite?, denyRead?, network?, allowPorts? }), durable? (boolean), idleNoticeMs? (>= 100), watch? ({ pattern, intervalMs? })',
    ]);
  }
  const clean = parsed.data;
  if (clean.ready && 'pattern' in clean.ready) compilePattern('ready.pattern', clean.ready.pattern);
  if (clean.watch) lineMatcher('watch.pattern', clean.watch.pattern);
  if (clean.ready && 'port' in clean.ready && !runtime.probePort) {
    throw new InvalidJobSpecError([`ready.port needs a runtime with probePort(); the ${runtime.name} runtime has none`]);
  }
  const noLog = clean.log || logs.all ? logs.unavailable() : undefined;
  if (noLog !== undefined) throw new InvalidJobSpecError([noLog]);
  if (cwdRoot !== undefined) clean.cwd = confineCwd(runtime, cwdRoot, clean.cwd);
  if (clean.sandbox !== undefined) checkSandbox(runtime, clean.sandbox);
  return clean;
}

/**
 * Spawns the job's process in its confined directory, with its environment: under the durable
 * supervisor when `durable` wants the job (recorded in its store; a sandboxed job is never
 * durable: its supervisor could not write the state directory), else as is (its group
 * registered).
 */
export function spawnJob(
  runtime: Runtime,
  options: ExecutorOptions,
  hostEnv: HostEnv,
  entry: Entry,
  durable?: { jobs: DurableJobs; timeoutMs: number },
): Child {
  // Checked again at start: the directory may have been swapped for a symlink while queued.
  if (options.cwdRoot !== undefined) entry.spec.cwd = confineCwd(runtime, options.cwdRoot, entry.spec.cwd);
  const env = { ...hostEnv.of(runtime.env()), ...options.env, ...entry.spec.env };
  const spawnOptions = {
    ...(entry.spec.cwd !== undefined ? { cwd: entry.spec.cwd } : {}),
    env,
    marker: entry.marker,
    ...(entry.spec.stdin === 'pipe' ? { stdin: 'pipe' as const } : {}),
  };
  const command = wrapCommand(entry.spec.command, options.isolation);
  const sandbox = spawnSandbox(runtime, entry.spec.sandbox, options.sandbox, entry.spec.cwd, env);
  let child: Child;
  if (sandbox.sandbox === undefined && durable?.jobs.wants(entry.spec)) {
    entry.durable = true;
    child = durable.jobs.spawn(entry.id, entry.spec, entry.marker, command, spawnOptions, durable.timeoutMs);
  } else {
    child = runtime.spawn(command, { ...spawnOptions, ...sandbox });
    if (child.pid > 0) {
      options.registry?.add({ jobId: entry.id, pgid: child.pid, command: entry.spec.command, marker: entry.marker });
    }
  }
  entry.child = child;
  entry.pid = child.pid;
  return child;
}

/**
 * Resolves `cwd` against `cwdRoot`, symlinks included, and refuses anything outside it; no
 * `cwd` is the root itself.
 */
export function confineCwd(runtime: Runtime, cwdRoot: string | undefined, cwd: string | undefined): string {
  const realPath = runtime.realPath?.bind(runtime);
  if (!realPath) {
    throw new InvalidJobSpecError([`cwdRoot needs a runtime with realPath(); the ${runtime.name} runtime has none`]);
  }
  let root: string;
  try {
    root = realPath(cwdRoot ?? '/');
  } catch {
    throw new InvalidJobSpecError([`cwdRoot: "${cwdRoot}" does not exist; pass an existing directory`]);
  }
  if (cwd === undefined) return root;
  const target = cwd.startsWith('/') ? cwd : `${root}/${cwd}`;
  let real: string;
  try {
    real = realPath(target);
  } catch {
    throw new InvalidJobSpecError([`cwd: ${quoteInput(cwd)} does not exist (jobs run inside ${root})`]);
  }
  if (real !== root && !real.startsWith(root.endsWith('/') ? root : `${root}/`)) {
    throw new InvalidJobSpecError([
      `cwd: ${quoteInput(cwd)} resolves to ${real}, which is outside the allowed root ${root}; use a directory inside it`,
    ]);
  }
  return real;
}

/**
 * The scrubbed host environment every job starts from. Scrubbing (names and value shapes) costs
 * more than a spawn's share of the budget, so it is redone only when the host environment
 * changed since the last job: one cheap comparison per job.
 */
export class HostEnv {
  readonly #allowEnv: readonly string[] | undefined;
  #source: Readonly<Record<string, string>> | undefined;
  #scrubbed: Record<string, string> | undefined;

  constructor(allowEnv: readonly string[] | undefined) {
    this.#allowEnv = allowEnv;
  }

  /** The scrubbed form of `host` (the runtime's environment now). */
  of(host: Readonly<Record<string, string>>): Record<string, string> {
    const last = this.#source;
    if (last === undefined || !sameEnv(host, last) || this.#scrubbed === undefined) {
      this.#source = host;
      this.#scrubbed = buildJobEnv(host, this.#allowEnv ? { allow: this.#allowEnv } : {});
    }
    return this.#scrubbed;
  }
}

/** True when two environments hold the same names with the same values. */
function sameEnv(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  let n = 0;
  for (const name in a) {
    if (a[name] !== b[name]) return false;
    n++;
  }
  return n === Object.keys(b).length;
}

/** The command as spawned: as is, or under `setpriv` as the isolation user. */
function wrapCommand(command: string, isolation: JobIsolation | undefined): string {
  if (!isolation) return command;
  const gid = isolation.gid ?? isolation.uid;
  // exec keeps the pid, so the job still leads its own process group.
  return `exec setpriv --reuid=${isolation.uid} --regid=${gid} --clear-groups -- /bin/sh -c ${shellWord(command)}`;
}

/** Quotes `text` as one word for `sh`. */
function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
