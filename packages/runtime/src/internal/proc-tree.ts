/**
 * Finds every process of a job on Linux through `/proc`: members of its process group, and
 * processes whose environment carries the job's marker (descendants that left the group with
 * `setsid`, a double fork or `nohup setsid`). Where there is no `/proc` (macOS, BSD) only the
 * group can be found. A process that cleared its environment (`env -i`) and left the group is
 * not found: the kernel keeps no other trace of where it came from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { JOB_MARKER_VAR, type KillSignal } from '@bgtasks/core';

/** Sends a signal to a pid (negative: a process group); throws when there is no such process. */
export type SendSignal = (pid: number, signal: KillSignal | 0) => void;

/** SIGKILL rounds per kill: a process forked between a scan and its kill is caught by the next. */
const KILL_ROUNDS = 5;

let procAvailable: boolean | undefined;

/** True when `/proc` lists processes (Linux). */
export function hasProcFs(): boolean {
  if (procAvailable === undefined) {
    try {
      procAvailable = readdirSync('/proc').some((name) => name === 'self' || name === '1');
    } catch {
      procAvailable = false;
    }
  }
  return procAvailable;
}

/** State, process group and start time (clock ticks since boot) of `pid`, or undefined when it is gone. */
function statOf(pid: string | number): { state: string; pgrp: number; start: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]), start: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/**
 * Start time of `pid` in clock ticks since boot, or undefined. Every descendant of a job starts
 * no earlier than its leader, so scans skip older processes without reading their environment.
 */
export function startTicks(pid: number): number | undefined {
  if (!hasProcFs()) return undefined;
  return statOf(pid)?.start;
}

function carriesMarker(pid: string, entry: Uint8Array): boolean {
  let environ: ReturnType<typeof readFileSync>;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false;
  }
  // Entries are NUL-terminated: match a whole entry, at the start or after a NUL.
  let at = environ.indexOf(entry);
  while (at >= 0) {
    if (at === 0 || environ[at - 1] === 0) return true;
    at = environ.indexOf(entry, at + 1);
  }
  return false;
}

/**
 * Where the pid allocator stood when a job's leader was spawned: the leader's pid and the count
 * of forks since boot. Lets a scan skip every pid below the leader's (see {@link firstCandidatePid}).
 */
export interface PidOrigin {
  leaderPid: number;
  forks: number;
}

let pidMax: number | undefined;

function readPidMax(): number {
  if (pidMax === undefined) {
    try {
      pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'latin1').trim()) || 32_768;
    } catch {
      pidMax = 32_768;
    }
  }
  return pidMax;
}

/** Forks (processes and threads) since boot, from `/proc/stat`, or undefined. */
function forksSinceBoot(): number | undefined {
  try {
    const stat = readFileSync('/proc/stat', 'latin1');
    const at = stat.indexOf('\nprocesses ');
    if (at < 0) return undefined;
    return Number.parseInt(stat.slice(at + 11, stat.indexOf('\n', at + 11)), 10);
  } catch {
    return undefined;
  }
}

/** The {@link PidOrigin} of a leader just spawned, or undefined where `/proc` cannot tell. */
export function pidOrigin(leaderPid: number): PidOrigin | undefined {
  if (!hasProcFs() || leaderPid <= 0) return undefined;
  const forks = forksSinceBoot();
  return forks === undefined ? undefined : { leaderPid, forks };
}

/**
 * The lowest pid a process of the job can have, so a scan reads no file of an older process.
 * Linux hands out pids in increasing order and wraps at `pid_max`: every process forked after
 * the leader has a larger pid unless the allocator wrapped since. It cannot have wrapped while
 * fewer than `pid_max - 300` forks happened (it restarts at 300), so with that few forks since
 * the leader's spawn, every descendant's pid is above the leader's; otherwise scan every pid.
 */
function firstCandidatePid(origin: PidOrigin | undefined): number {
  if (origin === undefined) return 0;
  const forks = forksSinceBoot();
  if (forks === undefined || forks - origin.forks >= readPidMax() - 300) return 0;
  return origin.leaderPid;
}

/**
 * Pids of the live (not zombie) processes of a job: the group `pgid` and, when `marker` is
 * given, every process carrying it. Empty where there is no `/proc`.
 */
export function jobPids(pgid: number, marker: string | undefined, since?: number, origin?: PidOrigin): number[] {
  if (!hasProcFs()) return [];
  const entry = marker === undefined ? undefined : new TextEncoder().encode(`${JOB_MARKER_VAR}=${marker}\0`);
  const pids: number[] = [];
  // Once the leader is gone and reaped, its pid (the group id) may be reused by an unrelated
  // process, which then leads a group of the same id: a live process with pid == pgid that is
  // not our leader (another start time) means the group is no longer ours.
  const groupOurs = pgid > 0 && groupIsOurs(pgid, since);
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const first = firstCandidatePid(origin);
  for (const name of names) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue; // not a pid
    if (first > 0 && Number(name) < first) continue; // older than the job (see firstCandidatePid)
    const stat = statOf(name);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    if (since !== undefined && stat.start < since) continue;
    if (groupOurs && stat.pgrp === pgid) {
      pids.push(Number(name));
      continue;
    }
    // A process in another live job's group is not ours: groups never span sessions, and every
    // job is a session of its own. Skipping its environment is what keeps a scan cheap when many
    // jobs run at once (only trusted while pids cannot have been reused, `first > 0`).
    if (first > 0 && liveGroups.has(stat.pgrp)) continue;
    if (entry !== undefined && carriesMarker(name, entry)) pids.push(Number(name));
  }
  return pids;
}

/** False when a process other than the job's leader (another start time) now holds the pid `pgid`. */
function groupIsOurs(pgid: number, since: number | undefined): boolean {
  if (since === undefined || !hasProcFs()) return true;
  const leader = statOf(pgid);
  return leader === undefined || leader.start === since;
}

/**
 * Process groups of this host's jobs that may still have processes (a leader spawned with a
 * marker and not yet seen dead): a scan for one job skips the environments of the others.
 */
const liveGroups = new Set<number>();

/** Notes a job's group as live, for {@link jobPids}' shortcut. */
export function trackGroup(pgid: number): void {
  if (pgid > 0) liveGroups.add(pgid);
}

/** True while any process of the job is alive; without `/proc`, while its group exists. */
export function jobAlive(
  pgid: number,
  marker: string | undefined,
  send: SendSignal,
  since?: number,
  origin?: PidOrigin,
): boolean {
  if (hasProcFs()) {
    const alive = jobPids(pgid, marker, since, origin).length > 0;
    if (!alive) liveGroups.delete(pgid);
    return alive;
  }
  if (pgid <= 0) return false;
  try {
    send(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signals the job's group and every process carrying its marker. SIGKILL is sent in a few
 * rounds so a process forked between one scan and its kill is caught by the next scan.
 */
export function signalJob(
  pgid: number,
  marker: string | undefined,
  signal: KillSignal,
  send: SendSignal,
  since?: number,
  origin?: PidOrigin,
): void {
  const rounds = signal === 'SIGKILL' ? KILL_ROUNDS : 1;
  for (let round = 0; round < rounds; round++) {
    if (pgid > 0 && groupIsOurs(pgid, since)) trySend(send, -pgid, signal);
    if (marker === undefined || !hasProcFs()) return;
    const escaped = jobPids(-1, marker, since, origin);
    for (const pid of escaped) trySend(send, pid, signal);
    if (escaped.length === 0) return;
  }
}

function trySend(send: SendSignal, pid: number, signal: KillSignal): void {
  try {
    send(pid, signal);
  } catch {
    // ESRCH: already gone
  }
}
