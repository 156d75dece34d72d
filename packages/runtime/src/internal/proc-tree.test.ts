import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_MARKER_VAR } from '@bgtasks/core';
import { afterEach, describe, expect, it } from 'vitest';
import { hasProcFs, jobPids, LEADER_GONE, leaderStart, pidOrigin, readHeldProc, setProbeMaxPids } from './proc-tree.ts';

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

  it('finds a job and its setsid escapee whether it probes the pid range since the leader or lists /proc', async () => {
    const marker = `bgt-test-${crypto.randomUUID()}`;
    const origin = pidOrigin(1);
    const child = spawn('/bin/sh', ['-c', 'setsid sleep 31 & exec sleep 30'], {
      env: { PATH: '/usr/bin:/bin', [JOB_MARKER_VAR]: marker },
      stdio: 'ignore',
      detached: true,
    });
    child.unref();
    const leader = child.pid ?? -1;
    killed.push(leader);
    const at = { leaderPid: leader, forks: origin?.forks ?? 0 };
    // Until both have exec'd and the escapee has left the group, the picture is still moving.
    const settled = (): boolean =>
      jobPids(-1, marker, undefined, at).length === 2 && jobPids(leader, undefined, undefined, at).length === 1;
    for (let i = 0; i < 300 && !settled(); i++) await new Promise((r) => setTimeout(r, 10));
    const found = jobPids(-1, marker, undefined, at);
    for (const pid of found) killed.push(pid);
    expect(found).toContain(leader);
    expect(found).toHaveLength(2);
    for (const limit of [pidMax(), 0]) {
      const previous = setProbeMaxPids(limit);
      try {
        expect(jobPids(-1, marker, undefined, at).sort()).toEqual([...found].sort());
        // The group alone (the escapee left it) and the escapee by its marker.
        expect(jobPids(leader, undefined, undefined, at)).toEqual([leader]);
      } finally {
        setProbeMaxPids(previous);
      }
    }
  });

  it("reads a leader's start time when first asked, and once it is gone treats a live holder of its pid as a stranger", async () => {
    const pid = markedSleeper(`bgt-test-${crypto.randomUUID()}`);
    const start = Number(readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.split(' ')[19]);
    const asked = leaderStart(pid);
    expect(asked(false)).toBe(start);
    expect(asked(true)).toBe(start); // known once, kept
    // Asked first after the exit: gone, whatever now holds the pid.
    expect(leaderStart(pid)(true)).toBe(LEADER_GONE);
    // The sleeper leads its own group (detached): with its real start it is the job's group...
    expect(jobPids(pid, undefined, start)).toEqual([pid]);
    // ...but a job whose leader is gone does not own a live process holding the leader's pid.
    expect(jobPids(pid, undefined, LEADER_GONE)).toEqual([]);
  });

  it('reads the fork count and the last pid afresh each time through the descriptors it keeps open', async () => {
    const forks = (): number => Number(/\nprocesses (\d+)/.exec(readHeldProc('/proc/stat') ?? '')?.[1]);
    const lastPid = (): number => Number(readHeldProc('/proc/sys/kernel/ns_last_pid'));
    const before = { forks: forks(), last: lastPid() };
    expect(before.forks).toBeGreaterThan(0);
    const pids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const child = spawn('true', { stdio: 'ignore' });
      pids.push(child.pid ?? -1);
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(forks()).toBeGreaterThanOrEqual(before.forks + 3);
    const last = lastPid();
    // The last pid handed out is at least our last child's, unless the allocator wrapped since.
    if (last >= before.last) expect(last).toBeGreaterThanOrEqual(pids.at(-1) ?? 0);
    expect(readHeldProc('/proc/no-such-file')).toBeUndefined();
  });

  it('stops trusting a kept descriptor that was closed under it and now names another file, without closing it', () => {
    const path = '/proc/sys/kernel/pid_max';
    const digits = (text: string): boolean => /^\d+\n$/.test(text);
    expect(readHeldProc(path, digits)).toMatch(/^\d+\n$/);
    // Find the number it kept, close it behind its back, and let another file take the number.
    const held = readdirSync('/proc/self/fd').find((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
    expect(held).toBeDefined();
    closeSync(Number(held));
    const dir = mkdtempSync(join(tmpdir(), 'bgt-held-'));
    writeFileSync(join(dir, 'other'), 'not a number\n');
    const other = openSync(join(dir, 'other'), 'r');
    try {
      expect(other).toBe(Number(held));
      expect(readHeldProc(path, digits)).toMatch(/^\d+\n$/);
      // The other file's descriptor is still open and still reads the other file.
      const buf = Buffer.alloc(64);
      expect(buf.toString('latin1', 0, readSync(other, buf, 0, 64, 0))).toBe('not a number\n');
    } finally {
      closeSync(other);
    }
  });
});
