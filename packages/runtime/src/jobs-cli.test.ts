// `bgtasks` (the command for people) as a subprocess on the runtime the suite runs on: it lists
// the durable jobs of every host under a state root, prints and follows a job's output, and
// kills a job's tree, by id; bad input is one line and exit 2.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackgroundExecutor, JOB_MARKER_VAR } from '@bgtasks/core';
import { createDurableStore, createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { describe, expect, test } from 'vitest';
import { taggedGone } from './fixtures/tagged.ts';
import type { ListedJob } from './jobs-cli.ts';

const bin = fileURLToPath(new URL('./bin/bgtasks.ts', import.meta.url));
const runtimeName = hostRuntimeName() as 'node' | 'bun' | 'deno';
const runtime = createRuntime();

function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, argv] = runtimeCommand(runtimeName, bin, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

async function until(check: () => boolean, what: string, withinMs = 10_000): Promise<void> {
  const end = performance.now() + withinMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await runtime.sleep(20);
  }
}

describe(`bgtasks on ${runtimeName}`, () => {
  test('list shows every job of every host; logs prints and follows; kill takes the whole tree', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bgtasks-cli-'));
    const gate = mkdtempSync(join(tmpdir(), 'bgtasks-cli-gate-'));
    const agent = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir: join(root, 'agent') }) } });
    const mcp = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir: join(root, 'mcp') }) } });
    try {
      const done = agent.submit({ id: 'lint', command: 'echo lint ok' });
      await agent.wait([done.id]);
      const follow = agent.submit({
        id: 'build',
        command: `echo step 1; while [ ! -f '${gate}/go' ]; do sleep 0.02; done; echo step 2`,
      });
      const server = mcp.submit({ id: 'server', command: `(sleep 300 &); echo serving; sleep 300` });
      await until(() => mcp.output(server.id).text.includes('serving'), 'the server to print');
      await until(() => agent.output(follow.id).text.includes('step 1'), 'the build to print');

      const listed = await run(['list', '--json', '--state-root', root]);
      expect(listed.code).toBe(0);
      const jobs = JSON.parse(listed.stdout) as ListedJob[];
      expect(jobs.map((j) => [j.id, j.host, j.state, j.pid])).toEqual([
        ['lint', 'agent', 'completed', agent.get('lint').pid],
        ['build', 'agent', 'running', agent.get('build').pid],
        ['server', 'mcp', 'running', mcp.get('server').pid],
      ]);
      expect(jobs[0]?.hostPid).toBe(process.pid);
      const tableOut = await run(['list', '--state-root', root]);
      expect(tableOut.stdout.split('\n')[0]).toMatch(/^ID\s+HOST\s+STATE\s+AGE\s+PID\s+COMMAND$/);
      expect(tableOut.stdout).toMatch(/server\s+mcp \(\d+\)\s+running\s+\d+s\s+\d+\s+\(sleep 300 &\); echo serving; sleep 300/);

      expect(await run(['logs', 'lint', '--state-root', root])).toEqual({ code: 0, stdout: 'lint ok\n', stderr: '' });
      // --follow prints what comes, and returns once the job ends.
      const following = run(['logs', 'build', '--follow', '--state-root', root]);
      await runtime.sleep(300);
      writeFileSync(join(gate, 'go'), '');
      expect(await following).toEqual({ code: 0, stdout: 'step 1\nstep 2\n', stderr: '' });

      const marker = createDurableStore({ dir: join(root, 'mcp'), lock: false })
        .load()
        .records.find((r) => r.id === 'server')?.marker;
      const killed = await run(['kill', 'server', '--state-root', root]);
      expect(killed).toMatchObject({ code: 0, stderr: '' });
      expect(killed.stdout).toMatch(/^killed server \(pid \d+, host mcp\)\n$/);
      // The host that started it sees it end, killed, and nothing of it is left.
      const [end] = (await mcp.wait(['server'], { timeoutMs: 10_000 })).ended;
      expect(end?.state).toBe('killed');
      expect(await taggedGone(JOB_MARKER_VAR, marker ?? '')).toEqual([]);
      expect(await run(['kill', 'server', '--state-root', root])).toMatchObject({
        code: 1,
        stderr: 'bgtasks: job server is not running (killed)\n',
      });
    } finally {
      await agent.close();
      await mcp.close();
    }
  }, 90_000);

  test('kill leaves no process of the job, escaped descendants included', async () => {
    const root = mkdtempSync(join(tmpdir(), 'bgtasks-cli-'));
    const host = new BackgroundExecutor(runtime, { durable: { store: createDurableStore({ dir: join(root, 'h') }) } });
    try {
      const job = host.submit({ id: 'tree', command: `setsid sh -c 'sleep 300' >/dev/null 2>&1 & echo started; sleep 300` });
      await until(() => host.output(job.id).text.includes('started'), 'the job to start');
      const marker = createDurableStore({ dir: join(root, 'h'), lock: false })
        .load()
        .records.find((r) => r.id === 'tree')?.marker;
      expect(marker).toBeDefined();
      expect((await run(['kill', 'tree', '--state-root', root])).code).toBe(0);
      expect(await taggedGone(JOB_MARKER_VAR, marker ?? '')).toEqual([]);
    } finally {
      await host.close();
    }
  }, 60_000);

  test.each([
    ['no command', [], /a command is needed: list, logs ID or kill ID/],
    ['an unknown command', ['ls'], /unknown command "ls"/],
    ['an unknown flag', ['list', '--frobnicate'], /Unknown option '--frobnicate'; see --help/],
    ['logs without an id', ['logs'], /logs takes one job id/],
    [
      'an unknown id',
      ['kill', 'nope', '--state-root', '/nonexistent-bgtasks'],
      /no job "nope" under \/nonexistent-bgtasks \(no jobs\)/,
    ],
    ['a bad --grace-ms', ['kill', 'x', '--grace-ms', 'soon'], /--grace-ms must be a whole number/],
  ])(
    '%s exits 2 with one line',
    async (_name, args, message) => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    },
    60_000,
  );

  test('--help and --version exit 0', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: bgtasks <command>/);
    for (const flag of ['--state-root', '--json', '--follow', '--grace-ms', '--host']) expect(help.stdout).toContain(flag);
    expect(await run(['--version'])).toEqual({ code: 0, stdout: 'bgtasks 0.1.0\n', stderr: '' });
  }, 60_000);
});
