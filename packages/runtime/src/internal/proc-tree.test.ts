import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { JOB_MARKER_VAR } from '@bgtasks/core';
import { afterEach, describe, expect, it } from 'vitest';
import { hasProcFs, jobPids, pidOrigin } from './proc-tree.ts';

const pidMax = (): number => Number(readFileSync('/proc/sys/kernel/pid_max', 'latin1').trim());
const killed: number[] = [];
afterEach(() => {
  for (const pid of killed.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

function markedSleeper(marker: string): number {
  const child = spawn('sleep', ['30'], {
    env: { PATH: '/usr/bin:/bin', [JOB_MARKER_VAR]: marker },
    stdio: 'ignore',
    detached: true,
  });
  child.unref();
  killed.push(child.pid ?? -1);
  return child.pid ?? -1;
}

describe.skipIf(!hasProcFs())('jobPids scans only pids the job can have', () => {
  it('skips pids below the leader while the allocator cannot have wrapped, and scans them all when it may have', async () => {
    const marker = `bgt-test-${crypto.randomUUID()}`;
    const pid = markedSleeper(marker);
    // Until it has exec'd, the child carries its parent's environment, not the marker.
    for (let i = 0; i < 200 && jobPids(-1, marker).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(jobPids(-1, marker)).toEqual([pid]);
    const now = pidOrigin(1);
    expect(now).toBeDefined();
    const forks = now?.forks ?? 0;
    // A leader "spawned" at the top of the pid range, a moment ago: nothing below it is looked at.
    expect(jobPids(-1, marker, undefined, { leaderPid: pidMax(), forks })).toEqual([]);
    // The same leader, but a whole pid range of forks ago: the allocator may have wrapped, so
    // every pid is scanned and the marked process is found.
    expect(jobPids(-1, marker, undefined, { leaderPid: pidMax(), forks: forks - pidMax() })).toEqual([pid]);
    // A leader below the process: found either way.
    expect(jobPids(-1, marker, undefined, { leaderPid: 1, forks })).toEqual([pid]);
  });
});
