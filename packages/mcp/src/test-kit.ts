// Helpers shared by the MCP tests (not a test file itself, not exported by the package).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, Task } from '@modelcontextprotocol/sdk/types.js';

/** A number unique to this test run, to find the processes of one test's job in /proc. */
export function marker(): string {
  return `${600 + Math.floor(Math.random() * 300)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
}

/** Pids of live `sleep <seconds>` processes (not the shells around them). */
export function sleepers(seconds: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (argv[0]?.split('/').pop() === 'sleep' && argv[1] === seconds && state !== 'Z') found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Polls `check` until it is true, at most `limitMs` (a bound, not a timing assertion). */
export async function eventually(check: () => boolean | Promise<boolean>, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms: ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The text of a tool result, content items joined. */
export function textOf(result: unknown): string {
  const content = (result as CallToolResult).content ?? [];
  return content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** A job that waits until the test opens the gate, so "still working" needs no timing. */
export function gate(): { wait: string; open: () => void } {
  const file = join(mkdtempSync(join(tmpdir(), 'bgtasks-gate-')), 'open');
  return {
    wait: `while [ ! -e '${file}' ]; do sleep 0.02; done`,
    open: () => writeFileSync(file, ''),
  };
}

/** Every message of a task-augmented call, in order; `onWorking` runs at the first `working` status. */
export async function streamTask(
  client: Client,
  args: Record<string, unknown>,
  ttl?: number,
  onWorking?: () => void,
): Promise<{ types: string[]; task: Task; statuses: string[]; result?: CallToolResult; error?: Error }> {
  const types: string[] = [];
  const statuses: string[] = [];
  let task: Task | undefined;
  let result: CallToolResult | undefined;
  let error: Error | undefined;
  const stream = client.experimental.tasks.callToolStream({ name: 'bg_bash', arguments: args }, undefined, {
    task: ttl === undefined ? {} : { ttl },
  });
  for await (const message of stream) {
    types.push(message.type);
    if (message.type === 'taskCreated') task = message.task;
    if (message.type === 'taskStatus') {
      if (message.task.status === 'working' && !statuses.includes('working')) onWorking?.();
      statuses.push(message.task.status);
    }
    if (message.type === 'result') result = message.result as CallToolResult;
    if (message.type === 'error') error = message.error;
  }
  if (!task) throw new Error(`no task was created: ${types.join(', ')} ${error?.message ?? ''}`);
  return { types, task, statuses, ...(result ? { result } : {}), ...(error ? { error } : {}) };
}
