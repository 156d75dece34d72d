#!/usr/bin/env node
// Time from a job's end to the client knowing it, MCP 2026-07-28 with the tasks extension, over
// loopback HTTP on this runtime: pushed (`notifications/tasks` on subscriptions/listen) against
// polling `tasks/get` at the task's pollIntervalMs (1000 ms, the default this server announces).
// Each job sleeps 0.3-1.3 s, then prints its own end time (wall clock, ms) as its last line; the client notes when it
// learns the task completed. Prints p50 and max per mode.
// Usage: notice-latency.ts [samples]   (node --conditions=@bgtasks/source --import tsx, bun or deno run -A)
import process from 'node:process';
import { BackgroundExecutor } from '@bgtasks/core';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { createMcpServer } from '../create-server.ts';
import { serveMcpHttp } from '../http.ts';
import { createStatelessMcpServer } from '../stateless-tools.ts';
import { TASKS_EXTENSION } from '../task-table.ts';

const samples = Number(process.argv[2] ?? 10);
const runtime = createRuntime();
const executor = new BackgroundExecutor(runtime);
const stateless = createStatelessMcpServer({ executor });
const http = await serveMcpHttp({
  createSession: () => createMcpServer({ executor: new BackgroundExecutor(runtime) }),
  stateless: stateless.server,
  sleep: (ms, signal) => runtime.sleep(ms, signal),
});
const meta = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { extensions: { [TASKS_EXTENSION]: {} } },
};
const headers = (method: string, name?: string) => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  authorization: `Bearer ${http.token}`,
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': method,
  ...(name ? { 'mcp-name': name } : {}),
});
let id = 1;
async function rpc(method: string, params: Record<string, unknown>, name?: string) {
  const r = await fetch(http.url, {
    method: 'POST',
    headers: headers(method, name),
    body: JSON.stringify({ jsonrpc: '2.0', id: id++, method, params: { ...params, _meta: meta } }),
  });
  return (await r.json()).result;
}
// A random length, so a job's end falls anywhere in a poll interval (not phase-locked to it).
const command = () => `sleep ${(0.3 + Math.random()).toFixed(3)}; date +%s%3N`;
const endOf = (task: { result?: { content?: Array<{ text: string }> } }) =>
  Number(/(\d{13})\s*<\/bg_notice>/.exec(task.result?.content?.[0]?.text ?? '')?.[1]);

async function polled(): Promise<number> {
  const created = await rpc('tools/call', { name: 'bg_bash', arguments: { command: command() } }, 'bg_bash');
  for (;;) {
    await new Promise((r) => setTimeout(r, created.pollIntervalMs));
    const task = await rpc('tasks/get', { taskId: created.taskId }, created.taskId);
    if (task.status === 'completed') return Date.now() - endOf(task);
  }
}

async function pushed(): Promise<number> {
  const stop = new AbortController();
  const response = await fetch(http.url, {
    method: 'POST',
    signal: stop.signal,
    headers: headers('subscriptions/listen'),
    body: JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'subscriptions/listen', params: { _meta: meta } }),
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let taskId: string | undefined;
  let buffer = '';
  await reader.read(); // the acknowledgement
  const created = await rpc('tools/call', { name: 'bg_bash', arguments: { command: command() } }, 'bg_bash');
  taskId = created.taskId;
  for (;;) {
    const { value } = await reader.read();
    buffer += decoder.decode(value, { stream: true });
    for (const data of buffer.matchAll(/^data: (.*)$/gm)) {
      const event = JSON.parse(data[1] as string);
      if (event.params?.taskId === taskId && event.params.status === 'completed') {
        const known = Date.now();
        stop.abort();
        return known - endOf(event.params);
      }
    }
  }
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;
for (const [mode, measure] of [
  ['push (notifications/tasks)', pushed],
  ['poll (tasks/get every pollIntervalMs)', polled],
] as const) {
  const values: number[] = [];
  for (let i = 0; i < samples; i++) values.push(await measure());
  process.stdout.write(`${hostRuntimeName()} ${mode}: p50 ${p50(values)} ms, max ${Math.max(...values)} ms (n=${samples})\n`);
}
stateless.tasks.close();
await http.close();
await executor.close();
process.exit(0);
