// Durable jobs outlive their host: a host SIGKILLed with jobs running and notices unacked; a
// new executor on the same state directory reattaches (same ids, same pids), delivers what was
// not acked exactly once, follows the running jobs to their ends, reads their output at any
// offset across the restart, and kills a reattached job's whole tree.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackgroundExecutor, JOB_MARKER_VAR, type Notice } from '@bgtasks/core';
import { createDurableStore, createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { describe, expect, test } from 'vitest';
import { taggedGone, taggedPids } from './fixtures/tagged.ts';

const fixture = fileURLToPath(new URL('./fixtures/durable-host.ts', import.meta.url));
const runtime = createRuntime();

function hostCommand(args: string[]): string {
  const pre =
    hostRuntimeName() === 'deno'
      ? ['run', '-A', '--conditions=@bgtasks/source', fixture]
      : hostRuntimeName() === 'bun'
        ? ['--conditions=@bgtasks/source', fixture]
        : ['--conditions=@bgtasks/source', '--import', 'tsx', fixture];
  return `exec ${[process.execPath, ...pre, ...args].map((a) => `'${a}'`).join(' ')}`;
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

/** Starts the fixture host and SIGKILLs it once its jobs are in place. */
async function crashedHost(state: string, gate: string, running: number): Promise<Array<{ id: string; pid: number }>> {
  const host = runtime.spawn(hostCommand(['--state', state, '--gate', gate, '--running', String(running)]), {
    env: runtime.env(),
  });
  let out = '';
  const decoder = new TextDecoder();
  for await (const chunk of host.stdout) {
    out += decoder.decode(chunk);
    if (/READY .*\n/.test(out)) break;
  }
  let err = '';
  if (!/READY /.test(out)) for await (const chunk of host.stderr) err += decoder.decode(chunk);
  const line = /READY (.*)\n/.exec(out)?.[1];
  if (line === undefined) throw new Error(`the host did not get ready: ${out}${err}`);
  host.kill('SIGKILL');
  await host.exited;
  return JSON.parse(line) as Array<{ id: string; pid: number }>;
}

async function until(check: () => boolean, what: string, withinMs = 10_000): Promise<void> {
  const end = performance.now() + withinMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await runtime.sleep(20);
  }
}

describe(`durable jobs across a host killed with SIGKILL (${hostRuntimeName()})`, () => {
  test('a new host reattaches: same ids and pids, unacked notices once, the ends once each, output at any offset, kill leaves nothing', async () => {
    const state = mkdtempSync(join(tmpdir(), 'bgtasks-durable-'));
    const gate = mkdtempSync(join(tmpdir(), 'bgtasks-gate-'));
    // Four running jobs: three the new host finds running, one that ends while no host is alive.
    const left = await crashedHost(state, gate, 4);
    expect(left.map((j) => j.id)).toEqual(['long-0', 'long-1', 'long-2', 'long-3']);
    for (const j of left) expect(alive(j.pid)).toBe(true);

    // long-3 ends while no host is alive: its supervisor records the end.
    writeFileSync(join(gate, 'go-3'), '');
    await until(() => existsSync(join(state, 'long-3.exit')), 'the exit file of long-3');

    const executor = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir: state }) } });
    try {
      const agent = executor.bus.consumer('agent');
      for (const j of left.slice(0, 3)) {
        const job = executor.get(j.id);
        expect(job.state).toBe('running');
        expect(job.pid).toBe(j.pid);
      }
      // The two short jobs the crashed host's consumer had not acked, once; short-0 was acked.
      const first = agent.lease();
      expect(first.notices.map((n) => [n.jobId, n.state])).toEqual([
        ['short-1', 'completed'],
        ['short-2', 'completed'],
      ]);
      expect(first.notices[0]?.tail).toBe('short 1 out\nshort 1 err');
      agent.ack(first);
      // The job that ended while no host was alive is reported at reattach.
      const ended = await agent.next(AbortSignal.timeout(10_000));
      expect([ended.jobId, ended.state, ended.exitCode]).toEqual(['long-3', 'completed', 0]);
      expect(ended.tail).toBe('long 3 before\nlong 3 after');

      // Output written before the crash reads back at any offset.
      const full = 'long 0 before\n';
      for (let offset = 0; offset <= full.length; offset++) {
        expect(executor.output('long-0', { offset }).text).toBe(full.slice(offset));
      }

      // Two jobs end by themselves, one is killed: three notices, one each.
      writeFileSync(join(gate, 'go-0'), '');
      writeFileSync(join(gate, 'go-1'), '');
      const marker = (JSON.parse(readFileSync(join(state, 'long-2.json'), 'utf8')) as { marker: string }).marker;
      expect(taggedPids(JOB_MARKER_VAR, marker).length).toBeGreaterThan(0);
      const killed = await executor.kill('long-2');
      expect(killed.state).toBe('killed');
      expect(killed.forced).toBeUndefined();
      expect(await taggedGone(JOB_MARKER_VAR, marker)).toEqual([]);
      expect(alive(left[2]?.pid ?? 0)).toBe(false);

      const ends: Notice[] = [];
      while (ends.length < 3) ends.push(await agent.next(AbortSignal.timeout(10_000)));
      expect(ends.map((n) => [n.jobId, n.state]).sort()).toEqual([
        ['long-0', 'completed'],
        ['long-1', 'completed'],
        ['long-2', 'killed'],
      ]);
      const full0 = 'long 0 before\nlong 0 after\n';
      expect(executor.get('long-0').output.bytes).toBe(full0.length);
      for (let offset = 0; offset <= full0.length; offset += 3) {
        expect(executor.output('long-0', { offset, limit: 5 }).text).toBe(full0.slice(offset, offset + 5));
      }
      expect(agent.pending()).toEqual([]);
    } finally {
      await executor.close();
    }

    // A third host: everything was acked, nothing is delivered again; the jobs are still listed.
    const third = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir: state }) } });
    try {
      expect(third.bus.consumer('agent').pending()).toEqual([]);
      expect(third.list().map((j) => [j.id, j.state])).toEqual(
        expect.arrayContaining([
          ['short-0', 'completed'],
          ['long-0', 'completed'],
          ['long-2', 'killed'],
        ]),
      );
      expect(third.output('long-1').text).toBe('long 1 before\nlong 1 after\n');
    } finally {
      await third.close();
    }
  }, 60_000);
});
