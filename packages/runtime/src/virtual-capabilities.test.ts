// The virtual runtime's doubles of the long-running-job capabilities: open ports, piped stdin,
// in-memory files, and output at the time of the last echo; driven through the executor in
// virtual time.
import { BackgroundExecutor, formatNotice, JobInputError } from '@bgtasks/core';
import { describe, expect, test } from 'vitest';
import { createVirtualRuntime, defaultScript } from './virtual.ts';

describe('virtual runtime capabilities', () => {
  test('a server command prints at its echo and runs on; readiness by pattern and by an open port', async () => {
    expect(defaultScript('sleep 2 && echo up && sleep 600', {})).toMatchObject({ durationMs: 602_000, outputAtMs: 2_000 });
    expect(defaultScript('sleep 2 && echo done', {})).not.toHaveProperty('outputAtMs');
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const job = executor.submit({
      command: 'sleep 2 && echo "listening on :3000" && sleep 600',
      ready: { pattern: 'listening' },
    });
    const ready = await executor.bus.consumer('c').next();
    expect(ready).toMatchObject({ kind: 'ready', endedAt: 2_000, match: 'listening on :3000' });
    const byPort = executor.waitFor(job.id, { port: 3000, timeoutMs: 60_000 });
    await runtime.sleep(5_000);
    runtime.openPorts.add(3000);
    // Scripted processes own no sockets: the answer says the owner could not be checked.
    await expect(byPort).resolves.toMatchObject({ met: 'port', portOwner: 'unknown' });
    expect(runtime.now()).toBeLessThan(7_200);
    await executor.close();
  });

  test('where the owner of a listener cannot be known, the ready notice by port says so', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    executor.submit({ id: 'web', command: 'sleep 600', ready: { port: 3001 } });
    await runtime.sleep(1_000);
    runtime.openPorts.add(3001);
    const notice = await executor.bus.consumer('c').next();
    expect(notice).toMatchObject({ jobId: 'web', kind: 'ready', ready: 'port', portOwner: 'unknown' });
    expect(formatNotice(notice)).toContain('ready="port" port_owner="unknown"');
    await executor.close();
  });

  test('piped stdin records what was written; a closed pipe refuses more', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const job = executor.submit({ command: 'sleep 10', stdin: 'pipe' });
    await runtime.sleep(1);
    await executor.write(job.id, 'yes\n');
    await executor.closeStdin(job.id);
    await expect(executor.write(job.id, 'more')).rejects.toThrow(JobInputError);
    expect([...runtime.stdinWritten.values()]).toEqual(['yes\n']);
    await executor.close();
  });

  test('full logs go to in-memory files and are removed after the TTL in virtual time', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime, { logs: { dir: '/state/logs', ttlMs: 60_000 } });
    const job = executor.submit({ command: 'sleep 1 && echo hello', log: true });
    await executor.wait([job.id]);
    const path = executor.get(job.id).log?.path ?? '';
    for (let i = 0; i < 5 && !runtime.fileContents.get(path)?.length; i++) await runtime.sleep(1);
    expect(new TextDecoder().decode(runtime.fileContents.get(path))).toBe('hello\n');
    expect(executor.output(job.id, { offset: 2, limit: 3 }).text).toBe('llo');
    await runtime.sleep(60_000);
    expect(runtime.fileContents.has(path)).toBe(false);
    expect(executor.get(job.id).log).toBeUndefined();
    await executor.close();
  });
});
