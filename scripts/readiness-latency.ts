// Readiness latency: from the moment a job is ready to the moment its `ready` notice is
// published, for readiness by pattern and by port, with real processes on this runtime.
//   node --conditions=@bgtasks/source --import tsx scripts/readiness-latency.ts [runs]
//   bun --conditions=@bgtasks/source scripts/readiness-latency.ts [runs]
//   deno run -A --conditions=@bgtasks/source scripts/readiness-latency.ts [runs]
// The job (a small node server) notes its readiness moment as wall-clock time with sub-ms
// precision (performance.timeOrigin + performance.now()): for `pattern` just before it prints
// the ready line, for `port` when listen() has bound. The host converts the notice's publication
// time (runtime clock) to the same wall clock.
import { createServer } from 'node:net';
import process from 'node:process';
import { BackgroundExecutor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';

const runs = Number(process.argv[2] ?? 20);
const runtime = createRuntime();
const executor = new BackgroundExecutor(runtime, { killGraceMs: 200 });
const consumer = executor.bus.consumer('latency');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function job(port: number): string {
  const js = `const n=()=>performance.timeOrigin+performance.now();setTimeout(()=>{const s=require('net').createServer(c=>{c.on('error',()=>{});c.end()});s.listen(${port},'127.0.0.1',()=>{const t=n();console.log('listening on 127.0.0.1:${port} at '+t)})},300)`;
  return `exec node -e "${js}"`;
}

const wall = (runtimeMs: number) => performance.timeOrigin + runtimeMs;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

const results: Record<'pattern' | 'port', number[]> = { pattern: [], port: [] };
for (let i = 0; i < runs; i++) {
  for (const mode of ['pattern', 'port'] as const) {
    const port = await freePort();
    const { id } = executor.submit({
      command: job(port),
      ready: mode === 'pattern' ? { pattern: '^listening on ' } : { port },
    });
    const notice = await consumer.next();
    const line = (await executor.waitFor(id, { pattern: '^listening on ', timeoutMs: 10_000 })).match ?? '';
    const readyAt = Number(line.split(' at ')[1]);
    results[mode].push(wall(notice.endedAt) - readyAt);
    await executor.kill(id);
    await consumer.next();
  }
}
await executor.close();
for (const mode of ['pattern', 'port'] as const) {
  const xs = results[mode];
  console.log(
    `${runtime.name} ${mode}: p50 ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms, min ${Math.min(...xs).toFixed(2)} ms (${xs.length} runs)`,
  );
}
