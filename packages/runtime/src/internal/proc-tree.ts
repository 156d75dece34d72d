/**
 * Finds every process of a job on Linux through `/proc`: members of its process group, and
 * processes whose environment carries the job's marker (descendants that left the group with
 * `setsid`, a double fork or `nohup setsid`). Where there is no `/proc` (macOS, BSD) only the
 * group can be found. A process that cleared its environment (`env -i`) and left the group is
 * not found: the kernel keeps no other trace of where it came from.
 */
import { Buffer } from 'node:buffer';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { JOB_MARKER_VAR, type KillSignal } from '@bgtasks/core';
import { pidsListenOn } from './listeners.ts';

/** Sends a signal to a pid (negative: a process group); throws when there is no such process. */
export type SendSignal = (pid: number, signal: KillSignal | 0) => void;

const ENCODER = new TextEncoder();

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

/** One buffer for every small `/proc` read: a job's end reads a few files, each in a few µs. */
let scratch = Buffer.allocUnsafe(4096);

/**
 * The text of a small `/proc` file, or undefined when it cannot be read (the process is gone).
 * Three syscalls into a reused buffer: `readFileSync` costs 2-4 times as much (a stat and a
 * fresh buffer per call), and a scan reads one such file per candidate process.
 */
function readProc(path: string): string | undefined {
  const bytes = readProcBytes(path);
  return bytes === undefined ? undefined : bytes.toString('latin1');
}

/** A descriptor of `path` opened for reading, or undefined when it cannot be (the process is gone). */
function openProc(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch {
    return undefined;
  }
}

/** The bytes of a `/proc` file, in the shared buffer: valid until the next read. */
function readProcBytes(path: string): Buffer | undefined {
  const fd = openProc(path);
  if (fd === undefined) return undefined;
  try {
    return readFd(fd, null);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads all of `fd` into the shared buffer: from where it stands (`position` null), or whole
 * from offset 0 in one read (`position` 0; a file larger than the buffer is read again from 0 into
 * a larger one, so its text is never stitched from two generations).
 */
function readFd(fd: number, position: 0 | null): Buffer {
  let length = 0;
  for (;;) {
    if (length === scratch.length) {
      const bigger = Buffer.allocUnsafe(scratch.length * 2);
      if (position === null) scratch.copy(bigger, 0, 0, length);
      else length = 0;
      scratch = bigger;
    }
    const room = scratch.length - length;
    const n = readSync(fd, scratch, length, room, position);
    length += n;
    // procfs fills a read as far as the file goes (stat, environ, the counters read here), so a
    // short read is the end: no second call just to see 0.
    if (n < room) break;
  }
  return scratch.subarray(0, length);
}

/** Open descriptors of the system-wide files read at every job's end, by path. */
const heldFds = new Map<string, number>();

/**
 * The text of a system-wide `/proc` file that every job's end reads (the fork count, the last
 * pid), through a descriptor kept open and read from offset 0: procfs regenerates such a file
 * on each read at offset 0, so this is one syscall where opening each time is three. Falls back
 * to opening it again when the descriptor went bad or reads what is not that file (`looksRight`
 * false: the host closed a descriptor it did not open and the number now names another file).
 */
export function readHeldProc(path: string, looksRight: (text: string) => boolean = () => true): string | undefined {
  const held = heldFds.get(path);
  if (held !== undefined) {
    try {
      const text = readFd(held, 0).toString('latin1');
      if (looksRight(text)) return text;
    } catch {
      // closed under us
    }
    // No longer ours (and perhaps another file's now): forget the number, never close it.
    heldFds.delete(path);
  }
  const fd = openProc(path);
  if (fd === undefined) return undefined;
  try {
    const text = readFd(fd, 0).toString('latin1');
    if (looksRight(text)) {
      heldFds.set(path, fd);
      return text;
    }
  } catch {
    // unreadable: not kept
  }
  closeSync(fd);
  return undefined;
}

/** State, process group and start time (clock ticks since boot) of `pid`, or undefined when it is gone. */
function statOf(pid: string | number): { state: string; pgrp: number; start: number } | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]), start: Number(fields[19]) };
}

/**
 * Exits observed so far. A reading of `/proc` taken after a job's leader was seen to exit can
 * serve every scan *for that job*: once the leader is gone, a process of the job that lives later
 * was alive at that reading or descends from one that was (and is found through it). Jobs that
 * end together then share one pass over the pid range instead of one pass each.
 */
let exitsObserved = 0;

/** Notes that a job's leader was seen to exit; the number to pass to {@link jobAlive} for it. */
function noteExit(): number {
  return ++exitsObserved;
}

/** How long a shared reading is kept at most (it is only valid for jobs that exited before it). */
const SHARED_READING_MS = 2;
let shared = new Map<string, { seq: number; value: unknown }>();
let sharedSince = 0;

/**
 * `read()` or, when `afterExit` is given, a reading of the same key taken after that exit was
 * observed (and at most {@link SHARED_READING_MS} old).
 */
function sharedReading<T>(key: string, afterExit: number | undefined, read: () => T): T {
  if (afterExit === undefined) return read();
  const now = performance.now();
  if (now - sharedSince > SHARED_READING_MS) {
    shared = new Map();
    sharedSince = now;
  }
  const hit = shared.get(key);
  if (hit !== undefined && hit.seq >= afterExit) return hit.value as T;
  const value = read();
  shared.set(key, { seq: exitsObserved, value });
  return value;
}

/** A job's `since` once its leader had exited before anyone asked for its start time. */
export const LEADER_GONE = -1;

/**
 * The start time of a job's leader in clock ticks since boot, read when first asked for rather
 * than at spawn: reading `/proc/<pid>/stat` of a child that is still exec'ing waits for the exec
 * (Bun returns from spawn before it), and most jobs are never asked while they run. Asked first
 * after the leader's exit, the answer is {@link LEADER_GONE}: no live process holding the
 * leader's pid is the job's any more (see {@link jobPids}).
 */
export function leaderStart(pid: number): (exited: boolean) => number | undefined {
  if (!hasProcFs() || pid <= 0) return () => undefined;
  let known: number | undefined;
  return (exited) => {
    known ??= exited ? LEADER_GONE : (statOf(pid)?.start ?? LEADER_GONE);
    return known;
  };
}

function carriesMarker(pid: string, entry: Uint8Array): boolean {
  const environ = readProcBytes(`/proc/${pid}/environ`);
  if (environ === undefined) return false;
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

/** The last reading of {@link forksSinceBoot} and when it was taken (`performance.now()`). */
let lastForks: { forks: number; at: number } | undefined;

/** How old a reading of the fork count may be to serve as a new leader's origin. */
const ORIGIN_READING_MAX_AGE_MS = 250;

/** Forks (processes and threads) since boot, from `/proc/stat`, or undefined. */
function forksSinceBoot(): number | undefined {
  const stat = readHeldProc('/proc/stat', (text) => text.startsWith('cpu '));
  if (stat === undefined) return undefined;
  const at = stat.indexOf('\nprocesses ');
  if (at < 0) return undefined;
  const forks = Number.parseInt(stat.slice(at + 11, stat.indexOf('\n', at + 11)), 10);
  if (!Number.isFinite(forks)) return undefined;
  lastForks = { forks, at: performance.now() };
  return forks;
}

/**
 * The {@link PidOrigin} of a leader just spawned, or undefined where `/proc` cannot tell. A
 * reading taken shortly before the spawn serves (one file read less per job): the count only
 * grows, so an earlier reading overstates the forks since the spawn, and the scan's wrap check
 * ({@link firstCandidatePid}) errs on the side of scanning every pid.
 */
export function pidOrigin(leaderPid: number): PidOrigin | undefined {
  if (!hasProcFs() || leaderPid <= 0) return undefined;
  const recent = lastForks !== undefined && performance.now() - lastForks.at <= ORIGIN_READING_MAX_AGE_MS;
  const forks = recent ? lastForks?.forks : forksSinceBoot();
  return forks === undefined ? undefined : { leaderPid, forks };
}

/**
 * The lowest pid a process of the job can have, so a scan reads no file of an older process.
 * Linux hands out pids in increasing order and wraps at `pid_max`: every process forked after
 * the leader has a larger pid unless the allocator wrapped since. It cannot have wrapped while
 * fewer than `pid_max - 300` forks happened (it restarts at 300), so with that few forks since
 * the leader's spawn, every descendant's pid is above the leader's; otherwise scan every pid.
 */
function firstCandidatePid(origin: PidOrigin | undefined, afterExit?: number): number {
  if (origin === undefined) return 0;
  const forks = sharedReading('forks', afterExit, forksSinceBoot);
  if (forks === undefined || forks - origin.forks >= readPidMax() - 300) return 0;
  return origin.leaderPid;
}

/**
 * Pids of the live (not zombie) processes of a job: the group `pgid` and, when `marker` is
 * given, every process carrying it. Empty where there is no `/proc`.
 */
export function jobPids(
  pgid: number,
  marker: string | undefined,
  since?: number,
  origin?: PidOrigin,
  afterExit?: number,
): number[] {
  if (!hasProcFs()) return [];
  const stat = (pid: string | number) => sharedReading(`s${pid}`, afterExit, () => statOf(pid));
  const entry = marker === undefined ? undefined : ENCODER.encode(`${JOB_MARKER_VAR}=${marker}\0`);
  const pids: number[] = [];
  // Once the leader is gone and reaped, its pid (the group id) may be reused by an unrelated
  // process, which then leads a group of the same id: a live process with pid == pgid that is
  // not our leader (another start time) means the group is no longer ours.
  // With the leader seen gone, only whether some process holds its pid matters: asking whether
  // `/proc/<pgid>` exists costs a third of a failed open of its stat.
  const groupOurs =
    pgid > 0 && (since === undefined || (since === LEADER_GONE ? !existsSync(`/proc/${pgid}`) : groupIsOurs(stat(pgid), since)));
  const first = firstCandidatePid(origin, afterExit);
  const names = candidatePids(first, afterExit);
  for (const name of names) {
    // Another live job's leader is not ours (its own session), and while pids cannot have been
    // reused (`first > 0`) the pid still names that process: not even its stat is read.
    const pid = Number(name);
    if (first > 0 && pid !== pgid && liveGroups.has(pid)) continue;
    // A probed pid (a number) is most often gone already: asking costs ~1 µs where a failed open
    // throws (4-11 µs).
    if (typeof name === 'number' && !existsSync(`/proc/${name}`)) continue;
    const st = stat(name);
    if (!st || st.state === 'Z' || st.state === 'X') continue;
    // Every process of the job started no earlier than its leader (unknown once it is gone).
    if (since !== undefined && since !== LEADER_GONE && st.start < since) continue;
    if (groupOurs && st.pgrp === pgid) {
      pids.push(Number(name));
      continue;
    }
    // A process in another live job's group is not ours: groups never span sessions, and every
    // job is a session of its own. Skipping its environment is what keeps a scan cheap when many
    // jobs run at once (only trusted while pids cannot have been reused, `first > 0`).
    if (first > 0 && liveGroups.has(st.pgrp)) continue;
    if (entry !== undefined && carriesMarker(String(name), entry)) pids.push(Number(name));
  }
  return pids;
}

/** Ranges of pids at most this long are probed one by one rather than listed from `/proc`. */
const PROBE_MAX_PIDS = 64;
let probeMaxPids = PROBE_MAX_PIDS;

/** Tests only: the longest pid range probed one by one (0: always list `/proc`); returns the previous. */
export function setProbeMaxPids(n: number = PROBE_MAX_PIDS): number {
  const previous = probeMaxPids;
  probeMaxPids = n;
  return previous;
}

/**
 * Pids to look at: every pid from `first` (0: every pid) up, as numbers when probed, as the
 * names `/proc` lists otherwise. When the pid
 * allocator has handed out few pids since `first`, each of them is probed directly (a few µs a
 * pid, most of them already gone); otherwise `/proc` is listed (tens of µs, plus one read per
 * process above `first`, old processes included after the allocator wrapped). The kernel's
 * last allocated pid (`ns_last_pid`) bounds the range: every process forked since `first` has a
 * pid in `first..last` while the allocator has not wrapped ({@link firstCandidatePid} checked).
 * Threads' ids fall in the range too; `/proc/<tid>` answers for a thread as for its process.
 */
function candidatePids(first: number, afterExit?: number): Array<string | number> {
  if (first > 0) {
    const text = sharedReading('last', afterExit, () =>
      readHeldProc('/proc/sys/kernel/ns_last_pid', (text) => /^\d+\n$/.test(text)),
    );
    const last = Number.parseInt(text ?? '', 10);
    if (Number.isInteger(last) && last >= first && last - first < probeMaxPids) {
      const range: number[] = [];
      for (let pid = first; pid <= last; pid++) range.push(pid);
      return range;
    }
  }
  const names = sharedReading('list', afterExit, () => {
    try {
      return readdirSync('/proc');
    } catch {
      return [];
    }
  });
  return names.filter((name) => {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) return false; // not a pid
    return first === 0 || Number(name) >= first; // older than the job (see firstCandidatePid)
  });
}

/** False when a process other than the job's leader (another start time) now holds the pid `pgid`. */
function groupIsOurs(leader: { start: number } | undefined, since: number): boolean {
  return leader === undefined || (since !== LEADER_GONE && leader.start === since);
}

/**
 * Process groups of this host's jobs that may still have processes (a leader spawned with a
 * marker and not yet seen dead): a scan for one job skips the environments of the others.
 */
const liveGroups = new Set<number>();

/** Notes a job's group as live, for {@link jobPids}' shortcut. */
function trackGroup(pgid: number): void {
  if (pgid > 0) liveGroups.add(pgid);
}

/** True while any process of the job is alive; without `/proc`, while its group exists. */
export function jobAlive(
  pgid: number,
  marker: string | undefined,
  send: SendSignal,
  since?: number,
  origin?: PidOrigin,
  afterExit?: number,
): boolean {
  if (hasProcFs()) {
    const alive = jobPids(pgid, marker, since, origin, afterExit).length > 0;
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
    if (pgid > 0 && (since === undefined || groupIsOurs(statOf(pgid), since))) trySend(send, -pgid, signal);
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

/** How the processes of one job are signalled and found: what every runtime's spawn hands back. */
export interface JobProcesses {
  /** Signals the job's group and every process carrying its marker (see {@link signalJob}). */
  kill(signal: KillSignal): void;
  /** True while any process of the job is alive (see {@link jobAlive}). */
  alive(): boolean;
  /** True when a process of the job listens on TCP `port`; absent without `/proc` (see `Child.listensOn`). */
  listensOn?: (port: number) => Promise<boolean>;
}

/**
 * The {@link JobProcesses} of a job whose leader `pid` was just spawned. Call it right after the
 * spawn, before anything else reads `/proc`: it takes the pid allocator's origin then, marks the
 * group live, reads the leader's start time when first needed, and notes the exit when
 * `exited` settles so that jobs seen to exit together share their scans.
 */
export function jobProcesses(pid: number, marker: string | undefined, exited: Promise<unknown>, send: SendSignal): JobProcesses {
  const start = marker !== undefined ? leaderStart(pid) : undefined;
  const origin = marker !== undefined ? pidOrigin(pid) : undefined;
  if (origin !== undefined) trackGroup(pid);
  let exitSeq: number | undefined;
  void exited.then(() => {
    exitSeq = noteExit();
  });
  return {
    kill: (signal) => signalJob(pid, marker, signal, send, start?.(exitSeq !== undefined), origin),
    alive: () => jobAlive(pid, marker, send, start?.(exitSeq !== undefined), origin, exitSeq),
    ...(hasProcFs()
      ? { listensOn: (port: number) => pidsListenOn(jobPids(pid, marker, start?.(exitSeq !== undefined), origin), port) }
      : {}),
  };
}
