// Processes that leave the job's process group (setsid, a double fork, nohup setsid) are still
// the job's: kill, timeout, the job's own end and close() leave none of them alive. Found by a
// tag the test puts in the job's environment, which every descendant inherits, like the marker.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackgroundExecutor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { afterEach, describe, expect, test } from 'vitest';
import { ESCAPES, taggedAtLeast, taggedGone } from './fixtures/tagged.ts';

const TAG = 'BGTASKS_ESCAPE_TEST';
const runtime = createRuntime();
const executors: BackgroundExecutor[] = [];
let tagCounter = 0;

function setup() {
  const executor = new BackgroundExecutor(runtime, { killGraceMs: 300 });
  executors.push(executor);
  const tag = `${process.pid}-${++tagCounter}-${Date.now()}`;
  return { executor, tag, env: { [TAG]: tag } };
}

afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close({ killGraceMs: 100 })));
});

describe.each(Object.entries(ESCAPES))('a job whose child escapes with %s', (_, escapeCommand) => {
  test('the escaped process is gone after kill()', async () => {
    const { executor, tag, env } = setup();
    const job = executor.submit({ command: `${escapeCommand}\nsleep 300`, env });
    expect((await taggedAtLeast(TAG, tag, 2)).length).toBeGreaterThanOrEqual(2);
    const ended = await executor.kill(job.id);
    expect(ended.state).toBe('killed');
    expect(await taggedGone(TAG, tag)).toEqual([]);
  });

  test('the escaped process is gone after a timeout', async () => {
    const { executor, tag, env } = setup();
    const job = executor.submit({ command: `${escapeCommand}\nsleep 300`, env, timeoutMs: 500 });
    await taggedAtLeast(TAG, tag, 2);
    await executor.wait([job.id]);
    expect(executor.get(job.id).state).toBe('timed_out');
    expect(await taggedGone(TAG, tag)).toEqual([]);
  });

  test('the escaped process is gone after the job completes by itself', async () => {
    const { executor, tag, env } = setup();
    const job = executor.submit({ command: `${escapeCommand}\nsleep 0.3; echo done`, env });
    await executor.wait([job.id]);
    expect(executor.get(job.id).state).toBe('completed');
    expect(await taggedGone(TAG, tag)).toEqual([]);
  });

  test('the escaped process is gone after close()', async () => {
    const { executor, tag, env } = setup();
    executor.submit({ command: `${escapeCommand}\nsleep 300`, env });
    await taggedAtLeast(TAG, tag, 2);
    await executor.close();
    expect(await taggedGone(TAG, tag)).toEqual([]);
  });
});

describe('jobs that end together', () => {
  test('each leaves no escaped process behind, though their end-of-job scans share readings of /proc', async () => {
    const executor = new BackgroundExecutor(runtime, { maxConcurrent: 16, killGraceMs: 300 });
    executors.push(executor);
    const tags = Array.from({ length: 12 }, () => `${process.pid}-${++tagCounter}-${Date.now()}`);
    // Every job starts an escapee and ends at once; every fourth one escapes nothing, so the jobs
    // whose readings are shared differ in what they left behind.
    const jobs = tags.map((tag, i) =>
      executor.submit({ command: i % 4 === 3 ? 'true' : `${ESCAPES.setsid}\nsleep 0.2`, env: { [TAG]: tag } }),
    );
    await executor.wait(jobs.map((j) => j.id));
    for (const job of jobs) expect(executor.get(job.id).state).toBe('completed');
    for (const tag of tags) expect(await taggedGone(TAG, tag)).toEqual([]);
  });
});

describe('kill grace covers the whole job', () => {
  test("a child's TERM handler gets its grace when the job's sh dies on SIGTERM at once", async () => {
    const { tag, env } = setup();
    const grace = new BackgroundExecutor(runtime, { killGraceMs: 5_000 });
    executors.push(grace);
    const marker = join(mkdtempSync(join(tmpdir(), 'bgtasks-grace-')), 'cleaned');
    // The sh leader dies on SIGTERM; its child traps TERM, cleans up for 300 ms, then exits.
    // (Its output pipe is closed once the leader is gone, so it reports through a file.)
    const job = grace.submit({
      command: `sh -c 'trap "sleep 0.3; echo yes > ${marker}; exit 0" TERM; echo ready; while :; do sleep 0.05; done' & wait`,
      env,
    });
    while (!grace.output(job.id).text.includes('ready')) await runtime.sleep(20);
    const ended = await grace.kill(job.id);
    expect(ended.state).toBe('killed');
    expect(existsSync(marker) && readFileSync(marker, 'utf8')).toBe('yes\n');
    expect(ended.forced).toBeUndefined();
    expect(await taggedGone(TAG, tag)).toEqual([]);
  });

  test('forced is true when an escaped child ignores SIGTERM and needs SIGKILL', async () => {
    const { executor, tag, env } = setup();
    const job = executor.submit({ command: `setsid sh -c "trap '' TERM; echo ready; sleep 300" & wait`, env });
    while (!executor.output(job.id).text.includes('ready')) await runtime.sleep(20);
    const ended = await executor.kill(job.id);
    expect(ended.forced).toBe(true);
    expect(await taggedGone(TAG, tag)).toEqual([]);
  });
});
