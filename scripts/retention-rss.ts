// Memory of an executor over many ended jobs, with and without retention (real processes).
//   node --expose-gc --conditions=@bgtasks/source --import tsx scripts/retention-rss.ts [jobs] [bytes per job] [retainJobs]
// Prints RSS and heap (after a GC when --expose-gc is given) before and after.
import process from 'node:process';
import { BackgroundExecutor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';

const jobs = Number(process.argv[2] ?? 5000);
const bytes = Number(process.argv[3] ?? 200 * 1024);
const retainJobs = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const measure = () => {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.arrayBuffers };
};

const executor = new BackgroundExecutor(createRuntime(), {
  maxConcurrent: 8,
  ...(retainJobs !== undefined ? { retainJobs } : {}),
});
const before = measure();
const started = performance.now();
for (let done = 0; done < jobs; done += 100) {
  const ids: string[] = [];
  for (let i = 0; i < Math.min(100, jobs - done); i++) ids.push(executor.submit({ command: `head -c ${bytes} /dev/zero` }).id);
  await executor.wait(ids);
}
const after = measure();
console.log(
  `${jobs} jobs x ${bytes} B, retainJobs ${executor.retainJobs}: kept ${executor.list().length} jobs, ` +
    `${executor.bus.history().length} notices; RSS ${mib(before.rss)} -> ${mib(after.rss)} (+${mib(after.rss - before.rss)}), ` +
    `heap+buffers ${mib(before.heap)} -> ${mib(after.heap)} (+${mib(after.heap - before.heap)}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
await executor.close();
