import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { describe, expect, it } from 'vitest';
import { BackgroundExecutor } from './executor.ts';
import type { Runtime, SpawnOptions } from './runtime.ts';

describe('the host environment of jobs', () => {
  it('follows changes of the host environment between jobs, scrubbing what is added', async () => {
    const hostEnv: Record<string, string> = { PATH: '/bin', HOME: '/home/a' };
    const virtual = createVirtualRuntime({ env: hostEnv });
    const seen: Record<string, string>[] = [];
    const runtime: Runtime = {
      ...virtual,
      spawn: (command: string, options?: SpawnOptions) => {
        seen.push({ ...(options?.env ?? {}) });
        return virtual.spawn(command, options);
      },
    };
    const executor = new BackgroundExecutor(runtime, { env: { FROM_OPTIONS: '1' } });
    const run = async (spec: { command: string; env?: Record<string, string> }): Promise<void> => {
      const job = executor.submit(spec);
      await executor.wait([job.id]);
    };
    await run({ command: 'true' });
    hostEnv.HOME = '/home/b';
    hostEnv.ADDED_LATER = 'yes';
    hostEnv.GITHUB_TOKEN = 'ghp_0123456789abcdef0123456789abcdef0123';
    await run({ command: 'true', env: { PER_JOB: '2' } });
    delete hostEnv.ADDED_LATER;
    await run({ command: 'true' });
    await executor.close();
    expect(seen[0]).toMatchObject({ PATH: '/bin', HOME: '/home/a', FROM_OPTIONS: '1' });
    expect(seen[1]).toMatchObject({ HOME: '/home/b', ADDED_LATER: 'yes', PER_JOB: '2', FROM_OPTIONS: '1' });
    expect(seen[1]).not.toHaveProperty('GITHUB_TOKEN');
    expect(seen[2]).not.toHaveProperty('ADDED_LATER');
    expect(seen[2]).not.toHaveProperty('PER_JOB');
  });

  it('gives every job a marker of its own: bgt- and a version 4 UUID', async () => {
    const virtual = createVirtualRuntime();
    const markers: string[] = [];
    const runtime: Runtime = {
      ...virtual,
      spawn: (command: string, options?: SpawnOptions) => {
        markers.push(options?.marker ?? '');
        return virtual.spawn(command, options);
      },
    };
    const executor = new BackgroundExecutor(runtime, { maxConcurrent: 50 });
    const ids = Array.from({ length: 200 }, () => executor.submit({ command: 'true' }).id);
    await executor.wait(ids);
    await executor.close();
    expect(markers).toHaveLength(200);
    for (const m of markers) expect(m).toMatch(/^bgt-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(markers).size).toBe(200);
  });
});
