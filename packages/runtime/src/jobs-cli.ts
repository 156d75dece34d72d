/**
 * `bgtasks`, the command for people: lists the durable jobs of every host under the state root
 * (running and recently ended), prints or follows a job's output, and kills a job's whole tree,
 * by id. Reads the same files the executors write; takes no lock (it never runs jobs).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type DurableJobRecord, isFinalState, type JobState, StateDirError } from '@bgtasks/core';
import { type FlagSpecs, flagsHelp, parseFlags } from './cli/flags.ts';
import { terminalSafe } from './cli/terminal-safe.ts';
import { UsageError } from './cli/usage-error.ts';
import { createDurableStore, defaultStateRoot, type LocalDurableStore } from './durable-store.ts';

/** Version printed by `bgtasks --version`. */
export const BGTASKS_CLI_VERSION = '0.1.0';

/** Flags of `bgtasks` (all subcommands share them). */
export const JOBS_CLI_FLAGS: FlagSpecs = {
  'state-root': {
    type: 'string',
    value: 'DIR',
    default: '$BGTASKS_STATE_DIR, $XDG_STATE_HOME/bgtasks/durable or ~/.local/state/bgtasks/durable',
    description: 'where the hosts keep their state directories',
  },
  host: { type: 'string', value: 'NAME', description: 'only the jobs of this host (its state directory name)' },
  json: { type: 'boolean', description: 'list: one JSON array instead of a table' },
  follow: { type: 'boolean', short: 'f', description: 'logs: keep printing output until the job ends' },
  raw: { type: 'boolean', description: 'logs: print the bytes as written (control characters included)' },
  'grace-ms': {
    type: 'string',
    value: 'MS',
    default: '2000',
    description: 'kill: time between SIGTERM and SIGKILL',
  },
  help: { type: 'boolean', short: 'h', description: 'this help' },
  version: { type: 'boolean', short: 'v', description: 'the version' },
};

export const JOBS_CLI_HELP = `Usage: bgtasks <command> [options]

Sees and stops the durable jobs agents left running on this machine (the jobs of every host
whose state directory is under the state root).

Commands:
  list            every job: id, host, state, age, pid, command (running and recently ended)
  logs ID         the job's output; --follow keeps printing until it ends
  kill ID         SIGTERM to the job's whole tree, SIGKILL after --grace-ms

Options:
${flagsHelp(JOBS_CLI_FLAGS)}

Exit codes: 0 done, 1 the job is not running (kill) or a state directory is unusable, 2 bad usage
or an unknown job id.
`;

/** Where the command writes, and its clock (so tests can run it in-process). */
export interface JobsCliIo {
  out(text: string | Uint8Array): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  sleep(ms: number): Promise<void>;
}

/** One job as `bgtasks list` shows it. */
export interface ListedJob {
  id: string;
  host: string;
  hostPid: number;
  state: JobState;
  command: string;
  pid: number;
  startedAtMs: number;
  ageMs: number;
  exitCode: number | null;
  signal: string | null;
}

interface Found {
  store: LocalDurableStore;
  record: DurableJobRecord;
}

/** The host directories under `root` (each a state directory); `root` itself when it is one. */
function hostDirs(root: string, only: string | undefined): string[] {
  if (!existsSync(root)) return [];
  const isDir = (p: string): boolean => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false; // a dangling link, or gone meanwhile
    }
  };
  const dirs = readdirSync(root)
    .map((name) => join(root, name))
    .filter(isDir);
  const own = readdirSync(root).some((n) => n.endsWith('.json')) ? [root] : [];
  return [...own, ...dirs].filter((d) => only === undefined || d.endsWith(`/${only}`));
}

/** What a record's job is now: the record, corrected by its exit file and its processes. */
function liveState(store: LocalDurableStore, record: DurableJobRecord): Pick<ListedJob, 'state' | 'exitCode' | 'signal'> {
  if (isFinalState(record.state) && record.end) {
    return { state: record.state, exitCode: record.end.exitCode, signal: record.end.signal };
  }
  const exit = store.readExit(record.id);
  if (exit) {
    const state: JobState = exit.killed ? 'killed' : exit.exitCode === 0 ? 'completed' : 'failed';
    return { state, exitCode: exit.exitCode, signal: exit.signal };
  }
  return { state: store.processes(record).alive() ? 'running' : 'lost', exitCode: null, signal: null };
}

function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')).join('\n');
}

/** Runs `bgtasks` with `argv`; resolves with the exit code. */
export async function runJobsCli(argv: readonly string[], io: JobsCliIo): Promise<number> {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv, JOBS_CLI_FLAGS, { positionals: true });
    if (parsed.values.help) {
      io.out(JOBS_CLI_HELP);
      return 0;
    }
    if (parsed.values.version) {
      io.out(`bgtasks ${BGTASKS_CLI_VERSION}\n`);
      return 0;
    }
    return await command(parsed, io);
  } catch (error) {
    if (UsageError.isInstance(error)) {
      io.err(`bgtasks: ${terminalSafe(error.message)}\n`);
      return 2;
    }
    if (StateDirError.isInstance(error)) {
      io.err(`bgtasks: ${terminalSafe(error.message)}\n`);
      return 1;
    }
    throw error;
  }
}

async function command(parsed: ReturnType<typeof parseFlags>, io: JobsCliIo): Promise<number> {
  const [name, ...rest] = parsed.positionals;
  const v = parsed.values;
  const root = typeof v['state-root'] === 'string' ? v['state-root'] : defaultStateRoot(io.env);
  const host = typeof v.host === 'string' ? v.host : undefined;
  const wantsId = name === 'logs' || name === 'kill';
  if (name === undefined) throw new UsageError('a command is needed: list, logs ID or kill ID; see --help');
  if (!['list', 'logs', 'kill'].includes(name)) {
    throw new UsageError(`unknown command "${terminalSafe(name.slice(0, 40))}"; use list, logs ID or kill ID; see --help`);
  }
  if (wantsId && rest.length !== 1) throw new UsageError(`${name} takes one job id; see --help`);
  if (!wantsId && rest.length > 0)
    throw new UsageError(`list takes no argument, got "${terminalSafe(rest[0] ?? '')}"; see --help`);
  if (v.follow && name !== 'logs') throw new UsageError('--follow goes with logs; see --help');
  let graceMs = 2_000;
  if (typeof v['grace-ms'] === 'string') {
    graceMs = Number(v['grace-ms']);
    if (!/^\d+$/.test(v['grace-ms']) || graceMs > 600_000) {
      throw new UsageError(`--grace-ms must be a whole number from 0 to 600000, got "${v['grace-ms'].slice(0, 40)}"; see --help`);
    }
  }
  const stores: LocalDurableStore[] = [];
  for (const dir of hostDirs(root, host)) {
    try {
      stores.push(createDurableStore({ dir, lock: false }));
    } catch (error) {
      if (!StateDirError.isInstance(error)) throw error;
      io.err(`bgtasks: skipping ${dir}: ${terminalSafe(error.message)}\n`);
    }
  }
  const found: Found[] = [];
  for (const store of stores) {
    const { records, problems } = store.load();
    for (const p of problems) io.err(`bgtasks: ${terminalSafe(p.message)}\n`);
    for (const record of records) found.push({ store, record });
  }
  if (name === 'list') return list(found, v.json === true, io);
  const id = rest[0] ?? '';
  const matches = found.filter((f) => f.record.id === id);
  if (matches.length === 0) {
    const known = found.map((f) => f.record.id).slice(0, 20);
    throw new UsageError(
      `no job "${terminalSafe(id.slice(0, 64))}" under ${root}${known.length > 0 ? `; known: ${known.join(', ')}` : ' (no jobs)'}`,
    );
  }
  if (matches.length > 1) {
    throw new UsageError(`job "${id}" is in several hosts (${matches.map((m) => m.store.name).join(', ')}); pass --host NAME`);
  }
  const match = matches[0] as Found;
  if (name === 'logs') return logs(match, v.follow === true, v.raw === true, io);
  return kill(match, graceMs, io);
}

function list(found: Found[], json: boolean, io: JobsCliIo): number {
  const now = Date.now();
  const jobs: ListedJob[] = found
    .map(({ store, record }) => ({
      id: record.id,
      host: store.name,
      hostPid: record.host.pid,
      command: record.spec.command,
      pid: record.pid,
      startedAtMs: record.startedAtMs,
      ageMs: now - record.startedAtMs,
      ...liveState(store, record),
    }))
    .sort((a, b) => a.startedAtMs - b.startedAtMs);
  if (json) {
    io.out(`${JSON.stringify(jobs, null, 2)}\n`);
    return 0;
  }
  if (jobs.length === 0) {
    io.out('no jobs\n');
    return 0;
  }
  const rows = [
    ['ID', 'HOST', 'STATE', 'AGE', 'PID', 'COMMAND'],
    ...jobs.map((j) => [
      j.id,
      `${terminalSafe(j.host)} (${j.hostPid})`,
      j.state,
      formatAge(j.ageMs),
      String(j.pid),
      terminalSafe(j.command.length > 80 ? `${j.command.slice(0, 79)}…` : j.command),
    ]),
  ];
  io.out(`${table(rows)}\n`);
  return 0;
}

async function logs({ store, record }: Found, follow: boolean, raw: boolean, io: JobsCliIo): Promise<number> {
  const decoder = new TextDecoder();
  let offset = 0;
  const emit = (bytes: Uint8Array): void => {
    if (raw) io.out(bytes);
    else io.out(terminalSafe(decoder.decode(bytes, { stream: true }), { keepNewlines: true }));
  };
  for (;;) {
    const running = follow && liveState(store, record).state === 'running';
    for (;;) {
      const bytes = store.readLog(record.id, offset, 64 * 1024);
      if (bytes.length === 0) break;
      offset += bytes.length;
      emit(bytes);
    }
    if (!running) break;
    await io.sleep(100);
  }
  return 0;
}

async function kill({ store, record }: Found, graceMs: number, io: JobsCliIo): Promise<number> {
  const state = liveState(store, record).state;
  if (state !== 'running') {
    io.err(`bgtasks: job ${record.id} is not running (${state})\n`);
    return 1;
  }
  const processes = store.processes(record);
  store.markKilled(record.id);
  processes.kill('SIGTERM');
  const until = Date.now() + graceMs;
  while (processes.alive() && Date.now() < until) await io.sleep(25);
  let forced = false;
  if (processes.alive()) {
    forced = true;
    processes.kill('SIGKILL');
    for (let i = 0; i < 80 && processes.alive(); i++) await io.sleep(25);
  }
  // A supervisor killed with SIGKILL wrote nothing: the end is recorded here (137: SIGKILL).
  if (forced) store.recordExit(record.id, 137);
  io.out(`killed ${record.id} (pid ${record.pid}, host ${store.name})${forced ? ' with SIGKILL' : ''}\n`);
  return 0;
}
