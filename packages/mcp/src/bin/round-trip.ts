// The round trip of a task-augmented `bg_bash` of `true` (task created -> result, through the
// SDK's Client over an in-memory pair) against the same job submitted in process and its notice
// awaited. Run: node --import tsx packages/mcp/src/bin/round-trip.ts [runs]  (or bun / deno run -A)
import { BackgroundExecutor } from '@bgtasks/core';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer } from '../create-server.ts';
import { DEFAULT_POLL_INTERVAL_MS } from '../task-store.ts';

const runs = Number(globalThis.process?.argv[2] ?? 30);
const runtime = createRuntime();

function p50(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

async function inProcess(): Promise<number[]> {
  const executor = new BackgroundExecutor(runtime);
  const consumer = executor.bus.consumer('bench', { from: 'now' });
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = runtime.now();
    await executor.submit({ command: 'true' });
    await consumer.next();
    samples.push(runtime.now() - start);
  }
  await executor.close();
  return samples;
}

async function viaTasks(pollIntervalMs: number): Promise<{ created: number[]; total: number[] }> {
  const session = createMcpServer({ executor: new BackgroundExecutor(runtime), pollIntervalMs });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await session.server.connect(serverSide);
  const client = new Client({ name: 'round-trip', version: '1.0.0' });
  await client.connect(clientSide);
  const created: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = runtime.now();
    let createdAt = start;
    const stream = client.experimental.tasks.callToolStream(
      { name: 'bg_bash', arguments: { command: 'true' } },
      CallToolResultSchema,
      { task: { ttl: 60_000 } },
    );
    for await (const message of stream) {
      if (message.type === 'taskCreated') createdAt = runtime.now();
      if (message.type === 'error') throw message.error;
      if (message.type === 'result') {
        const end = runtime.now();
        created.push(end - createdAt);
        total.push(end - start);
      }
    }
  }
  await client.close();
  await session.closed;
  return { created, total };
}

const plain = await inProcess();
const fast = await viaTasks(10);
const standard = await viaTasks(DEFAULT_POLL_INTERVAL_MS);
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(`runtime ${hostRuntimeName()}, ${runs} runs each, p50:`);
console.log(`  in-process submit + notice:                     ${fmt(p50(plain))}`);
console.log(
  `  task created -> result, pollInterval 10 ms:     ${fmt(p50(fast.created))} (call -> result ${fmt(p50(fast.total))})`,
);
console.log(
  `  task created -> result, pollInterval ${DEFAULT_POLL_INTERVAL_MS} ms:    ${fmt(p50(standard.created))} (call -> result ${fmt(p50(standard.total))})`,
);
