import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDurableStore, createRuntime } from '@bgtasks/runtime';
import { describe, expect, it } from 'vitest';
import { rawSpawnForHost } from './bin/raw-spawn.ts';
import { measureScale } from './scale.ts';

describe('measureScale', () => {
  it('measures raw and executor throughput per cap, latency under load and memory, and runs every job', async () => {
    const runtime = createRuntime();
    const rounds: string[] = [];
    let rssReads = 0;
    let heapReads = 0;
    let totalReads = 0;
    const result = await measureScale({
      runtime,
      rawSpawn: rawSpawnForHost(),
      rss: () => ++rssReads * 1e6,
      heapUsed: () => ++heapReads * 5000,
      heapTotal: () => ++totalReads * 2e6,
      jobs: 12,
      memoryJobs: 5,
      memoryBatches: 3,
      warmupJobs: 2,
      caps: [1, 3],
      rounds: 2,
      onRound: (line) => rounds.push(line),
    });
    expect(result.rows.map((r) => r.cap)).toEqual([1, 3]);
    for (const row of result.rows) {
      expect(row.rawJobsPerS).toBeGreaterThan(0);
      expect(row.executorJobsPerS).toBeGreaterThan(0);
      expect(row.ratio).toBeCloseTo(row.executorJobsPerS / row.rawJobsPerS);
      expect(row.noticeP99Ms).toBeGreaterThanOrEqual(row.noticeP50Ms);
    }
    // Settled RSS readings: before and after the raw loop, after the warm-up, after each of the
    // three batches; one MB apart in this fake, so the warm-up's growth is left out of the first
    // batch. Two heap readings 5000 B apart over 5 jobs; reserved heap read before and after.
    expect(rssReads).toBe(6);
    expect(heapReads).toBe(2);
    expect(result.memory).toEqual({
      jobs: 5,
      firstRawMb: 1,
      firstExecutorMb: 1,
      steadyExecutorMb: 1,
      batchesMb: [1, 1, 1],
      heapReservedMb: 2,
      heapPerJobBytes: 1000,
    });
    expect(rounds.filter((l) => l.startsWith('cap '))).toHaveLength(4);
    expect(rounds.find((l) => l.startsWith('memory:'))).toBe(
      'memory: raw +1.0 MB; executor batches +1.0, +1.0, +1.0 MB, heap reserved +2.0 MB, heap kept per finished job 1000 B',
    );
  });

  it('with a durable store, each cap also runs its jobs durable and reports their throughput and latency', async () => {
    const dirs: string[] = [];
    const result = await measureScale({
      runtime: createRuntime(),
      rawSpawn: rawSpawnForHost(),
      rss: () => 0,
      jobs: 6,
      memoryJobs: 2,
      memoryBatches: 2,
      warmupJobs: 1,
      caps: [2],
      rounds: 1,
      durableStore: () => {
        const dir = join(mkdtempSync(join(tmpdir(), 'bgtasks-scale-test-')), 'host');
        dirs.push(dir);
        return createDurableStore({ dir });
      },
    });
    const [row] = result.rows;
    expect(row?.durableJobsPerS).toBeGreaterThan(0);
    expect(row?.durableNoticeP99Ms).toBeGreaterThanOrEqual(row?.durableNoticeP50Ms ?? Number.POSITIVE_INFINITY);
    // Every job of the durable round left its record, log and exit file.
    expect(dirs).toHaveLength(1);
    const files = readdirSync(dirs[0] as string);
    for (const ext of ['json', 'log', 'exit']) expect(files.filter((f) => f.endsWith(`.${ext}`))).toHaveLength(6);
  });

  it('the raw spawn of this host runs a real command to its end', async () => {
    const dir = await import('node:fs').then((fs) => fs.mkdtempSync('/tmp/bgtasks-raw-'));
    await rawSpawnForHost()(`echo done > ${dir}/out`, createRuntime().env());
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${dir}/out`, 'utf8')).toBe('done\n');
  });
});
