/**
 * A file-backed {@link JobRegistry}: one small JSON file per running job in a state directory.
 * Each record carries the kernel start time of the host and of the job's group leader (from
 * /proc), so a pid reused by an unrelated process is never mistaken for ours.
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

/** Kernel start time of `pid` (field 22 of /proc/pid/stat), or null when there is no such process. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
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
  const hostPid = process.pid;
  const hostStart = processStartTime(hostPid) ?? 'unknown';
  const fileOf = (pid: number, jobId: string) => join(dir, `${pid}.${jobId}.json`);

  return {
    add(record) {
      const stored: StoredRecord = {
        ...record,
        hostPid,
        hostStart,
        leaderStart: processStartTime(record.pgid),
        startedAtMs: Date.now(),
      };
      writeFileSync(fileOf(hostPid, record.jobId), JSON.stringify(stored));
    },
    remove(jobId) {
      rmSync(fileOf(hostPid, jobId), { force: true });
    },
    reap() {
      const reaped: ReapedJob[] = [];
      for (const name of readdirSync(dir)) {
        if (!name.endsWith('.json')) continue;
        const path = join(dir, name);
        const record = parse(readFileSync(path, 'utf8'));
        if (!record) {
          rmSync(path, { force: true });
          continue;
        }
        const hostAlive = processStartTime(record.hostPid) === record.hostStart;
        if (hostAlive) continue; // a live host (maybe this one) still owns it
        const leaderStart = processStartTime(record.pgid);
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
