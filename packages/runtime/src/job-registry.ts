/**
 * A file-backed {@link JobRegistry}: one small JSON file per running job in a state directory.
 * Each record carries the kernel start time of the host and of the job's group leader (from
 * /proc), so a pid reused by an unrelated process is never mistaken for ours.
 *
 * Without /proc (macOS, the BSDs) there is no portable way to tell a live host from a reused pid:
 * `kill(pid, 0)` says only that some process has that pid. Killing on that guess could SIGKILL an
 * unrelated process group, so there reaping is off, said once in a one-line warning.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import type { JobRecord, JobRegistry, ReapedJob } from '@bgtasks/core';
import { jobPids, signalJob } from './internal/proc-tree.ts';

interface StoredRecord extends JobRecord {
  hostPid: number;
  hostStart: string;
  leaderStart: string | null;
  startedAtMs: number;
}

/** Reads `/proc/<pid>/stat`; throws when there is no such file. Injectable for tests. */
export type ProcStatReader = (pid: number) => string;

const readProcStat: ProcStatReader = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8');

/** Kernel start time of `pid` (field 22 of /proc/pid/stat), or null when there is no such process. */
export function processStartTime(pid: number, read: ProcStatReader = readProcStat): string | null {
  try {
    const stat = read(pid);
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function parse(text: string): StoredRecord | null {
  try {
    const r = JSON.parse(text) as Partial<StoredRecord>;
    if (typeof r.jobId !== 'string' || typeof r.pgid !== 'number' || typeof r.hostPid !== 'number') return null;
    if (typeof r.hostStart !== 'string' || typeof r.command !== 'string') return null;
    return {
      jobId: r.jobId,
      pgid: r.pgid,
      command: r.command,
      hostPid: r.hostPid,
      hostStart: r.hostStart,
      leaderStart: typeof r.leaderStart === 'string' ? r.leaderStart : null,
      ...(typeof r.marker === 'string' && r.marker.length > 0 ? { marker: r.marker } : {}),
      startedAtMs: typeof r.startedAtMs === 'number' ? r.startedAtMs : 0,
    };
  } catch {
    return null;
  }
}

/** Options of {@link createJobRegistry}. */
export interface JobRegistryOptions {
  /** Directory for the records; created when missing. */
  dir: string;
  /** Reads /proc/<pid>/stat (the default); a reader that cannot read this process's own stat means "no /proc". */
  readProcStat?: ProcStatReader;
  /** Where the one-line warning goes when reaping is off for want of /proc; `console.warn` by default. */
  warn?: (message: string) => void;
}

/**
 * @example
 * const executor = new BackgroundExecutor(createRuntime(), {
 *   registry: createJobRegistry({ dir: '.bgtasks/state' }),
 * });
 * executor.list().filter((j) => j.state === 'lost'); // what a dead host left behind
 */
export function createJobRegistry(options: JobRegistryOptions): JobRegistry {
  const dir = options.dir;
  mkdirSync(dir, { recursive: true });
  const read = options.readProcStat ?? readProcStat;
  const startOf = (pid: number) => processStartTime(pid, read);
  const hostPid = process.pid;
  const ownStart = startOf(hostPid);
  // Our own stat is always there when /proc is: without it, no start time can be trusted.
  const procAvailable = ownStart !== null;
  const hostStart = ownStart ?? 'unknown';
  const fileOf = (pid: number, jobId: string) => join(dir, `${pid}.${jobId}.json`);

  return {
    add(record) {
      const stored: StoredRecord = {
        ...record,
        hostPid,
        hostStart,
        leaderStart: startOf(record.pgid),
        startedAtMs: Date.now(),
      };
      writeFileSync(fileOf(hostPid, record.jobId), JSON.stringify(stored));
    },
    remove(jobId) {
      rmSync(fileOf(hostPid, jobId), { force: true });
    },
    reap() {
      const reaped: ReapedJob[] = [];
      if (!procAvailable) {
        (options.warn ?? console.warn)(
          `bgtasks: no /proc on this system, so jobs left running by a run that crashed are not reaped (their records are in ${dir})`,
        );
        return reaped;
      }
      for (const name of readdirSync(dir)) {
        if (!name.endsWith('.json')) continue;
        const path = join(dir, name);
        const record = parse(readFileSync(path, 'utf8'));
        if (!record) {
          rmSync(path, { force: true });
          continue;
        }
        const hostAlive = startOf(record.hostPid) === record.hostStart;
        if (hostAlive) continue; // a live host (maybe this one) still owns it
        const leaderStart = startOf(record.pgid);
        let ours: boolean;
        if (leaderStart !== null) {
          // The leader pid exists: it is ours only if it is the very process we started.
          ours = record.leaderStart !== null && leaderStart === record.leaderStart;
        } else {
          // Leader gone: the kernel does not reuse a pid while a group still carries it as its
          // id, so surviving members of this group are the job's own.
          ours = groupExists(record.pgid);
        }
        if (ours) {
          try {
            process.kill(-record.pgid, 'SIGKILL');
          } catch {
            ours = false;
          }
        }
        // Descendants that left the group carry the job's marker: a marker is unique, so
        // whatever carries it is the job's own, whoever holds the pid now.
        const since = record.leaderStart === null ? undefined : Number(record.leaderStart);
        if (record.marker !== undefined && jobPids(-1, record.marker, since).length > 0) {
          signalJob(-1, record.marker, 'SIGKILL', (pid, signal) => process.kill(pid, signal), since);
          ours = true;
        }
        rmSync(path, { force: true });
        reaped.push({
          jobId: record.jobId,
          pgid: record.pgid,
          command: record.command,
          hostPid: record.hostPid,
          startedAtMs: record.startedAtMs,
          state: 'lost',
          killed: ours,
        });
      }
      return reaped.sort((a, b) => a.startedAtMs - b.startedAtMs);
    },
  };
}
