// A host killed with SIGKILL runs no hook; the next executor reaps what it left from the registry.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackgroundExecutor } from '@bgtasks/core';
import { createJobRegistry, createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { processStartTime } from '@bgtasks/runtime/internal';
import { describe, expect, test } from 'vitest';
import { taggedAtLeast, taggedGone, taggedPids } from './fixtures/tagged.ts';

const fixture = fileURLToPath(new URL('./fixtures/host-with-jobs.ts', import.meta.url));
const runtime = createRuntime();

function hostCommand(extra: string[]): string {
  const args =
    hostRuntimeName() === 'deno'
      ? ['run', '-A', '--conditions=@bgtasks/source', fixture]
      : hostRuntimeName() === 'bun'
        ? ['--conditions=@bgtasks/source', fixture]
        : ['--conditions=@bgtasks/source', '--import', 'tsx', fixture];
  return `exec ${[process.execPath, ...args, ...extra].map((a) => `'${a}'`).join(' ')}`;
}

/** A process that exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

async function startHost(
  stateDir: string,
  extra: string[] = [],
): Promise<{ hostPid: number; grandchild: number; kill: () => Promise<void> }> {
  const host = runtime.spawn(hostCommand(['--state', stateDir, ...extra]), { env: runtime.env() });
  let out = '';
  for await (const chunk of host.stdout) {
    out += new TextDecoder().decode(chunk);
    if (/PID \d+/.test(out)) break;
  }
  const grandchild = Number(/PID (\d+)/.exec(out)?.[1]);
  return {
    hostPid: host.pid,
    grandchild,
    kill: async () => {
      host.kill('SIGKILL');
      await host.exited;
    },
  };
}

describe('job registry', () => {
  test('jobs of a host killed with SIGKILL are reaped by the next executor and reported lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-registry-'));
    const host = await startHost(dir);
    expect(readdirSync(dir)).toHaveLength(1);
    await host.kill();
    expect(alive(host.grandchild)).toBe(true); // SIGKILL ran no hook: the job outlived its host

    const executor = new BackgroundExecutor(runtime, { registry: createJobRegistry({ dir }) });
    expect(executor.reaped).toMatchObject([{ state: 'lost', killed: true, hostPid: host.hostPid }]);
    // Not this executor's jobs: nothing in its table, no notice for a model that never started them.
    expect(executor.list()).toEqual([]);
    expect(executor.bus.consumer('model').pending()).toEqual([]);
    for (let i = 0; i < 50 && alive(host.grandchild); i++) await runtime.sleep(20);
    expect(alive(host.grandchild)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    await executor.close();
  });

  test('descendants that escaped the group (setsid) are found by the marker and reaped too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-registry-'));
    const tag = `reap-${process.pid}-${Date.now()}`;
    const host = await startHost(dir, ['--escape', tag]);
    // sh, the TERM-ignoring sleep of the group, and the escaped sh + sleep in their own session
    await taggedAtLeast('BGTASKS_ESCAPE_TEST', tag, 4);
    await host.kill();
    expect(taggedPids('BGTASKS_ESCAPE_TEST', tag).length).toBeGreaterThan(0);
    const executor = new BackgroundExecutor(runtime, { registry: createJobRegistry({ dir }) });
    expect(executor.reaped).toMatchObject([{ state: 'lost', killed: true }]);
    expect(await taggedGone('BGTASKS_ESCAPE_TEST', tag)).toEqual([]);
    await executor.close();
  });

  test('a record whose pid now belongs to an unrelated process never kills it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-registry-'));
    const unrelated = runtime.spawn('sleep 30', { env: runtime.env() });
    const record = {
      jobId: 'old',
      pgid: unrelated.pid,
      command: 'sleep 600',
      hostPid: 999_999_999,
      hostStart: '1',
      leaderStart: 'not-its-start-time',
      startedAtMs: 0,
    };
    writeFileSync(join(dir, `999999999.old.json`), JSON.stringify(record));
    const executor = new BackgroundExecutor(runtime, { registry: createJobRegistry({ dir }) });
    expect(executor.reaped).toMatchObject([{ jobId: 'old', state: 'lost', killed: false }]);
    expect(alive(unrelated.pid)).toBe(true);
    unrelated.kill('SIGKILL');
    await executor.close();
  });

  test('records of a live host are left alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-registry-'));
    const registry = createJobRegistry({ dir });
    const executor = new BackgroundExecutor(runtime, { registry });
    const job = executor.submit({ command: 'sleep 30' });
    await runtime.sleep(50);
    expect(createJobRegistry({ dir }).reap()).toEqual([]);
    expect(executor.get(job.id).state).toBe('running');
    await executor.close({ killGraceMs: 100 });
    expect(readdirSync(dir)).toEqual([]);
  });

  test("without /proc a second run never kills a live run's jobs: reaping is off, with one warning line", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-registry-'));
    const noProc = (pid: number): string => {
      throw new Error(`ENOENT: /proc/${pid}/stat`);
    };
    const first = new BackgroundExecutor(runtime, { registry: createJobRegistry({ dir, readProcStat: noProc, warn: () => {} }) });
    const job = first.submit({ command: 'sleep 30' });
    for (let i = 0; i < 50 && first.get(job.id).state !== 'running'; i++) await runtime.sleep(10);
    expect(readdirSync(dir)).toHaveLength(1);

    const warnings: string[] = [];
    const second = new BackgroundExecutor(runtime, {
      registry: createJobRegistry({ dir, readProcStat: noProc, warn: (m) => warnings.push(m) }),
    });
    expect(second.reaped).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^bgtasks: no \/proc on this system, .* not reaped .*bgtasks-registry-/);
    expect(warnings[0]).not.toContain('\n');
    await runtime.sleep(50);
    expect(first.get(job.id).state).toBe('running');
    expect(alive(first.get(job.id).pid!)).toBe(true);
    expect(readdirSync(dir)).toHaveLength(1); // the record stays for a run that can check it
    await second.close();
    await first.close({ killGraceMs: 100 });
    expect(readdirSync(dir)).toEqual([]);
  });

  test("an injected reader that sees /proc drives the reaping: a dead host's own job is killed", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-registry-'));
    const reads: number[] = [];
    const readProcStat = (pid: number): string => {
      reads.push(pid);
      return readFileSync(`/proc/${pid}/stat`, 'utf8');
    };
    const group = runtime.spawn('sleep 30', { env: runtime.env() });
    const leaderStart = processStartTime(group.pid, readProcStat);
    const record = { jobId: 'orphan', pgid: group.pid, command: 'sleep 30', hostPid: 999_999_999, hostStart: '1', leaderStart };
    writeFileSync(join(dir, '999999999.orphan.json'), JSON.stringify({ ...record, startedAtMs: 0 }));
    const executor = new BackgroundExecutor(runtime, { registry: createJobRegistry({ dir, readProcStat, warn: () => {} }) });
    expect(executor.reaped).toMatchObject([{ jobId: 'orphan', killed: true }]);
    expect(reads).toContain(group.pid);
    expect(await group.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await executor.close();
  });
});
