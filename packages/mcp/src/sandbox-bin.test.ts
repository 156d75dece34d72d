// bgtasks-mcp --sandbox end to end, as a subprocess on the runtime the suite runs on: a job the
// model starts runs in the OS sandbox (a write outside its directory fails, and the notice says
// so), and the sandbox flags are validated with one line and exit 2.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime, hostRuntimeName } from '@bgtasks/runtime';
import { runtimeCommand } from '@bgtasks/runtime/cli';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, test } from 'vitest';
import { textOf } from './test-kit.ts';

const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
const runtime = hostRuntimeName() as 'node' | 'bun' | 'deno';
const env: Record<string, string> = {
  ...createRuntime().env(),
  XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'bgtasks-mcp-state-')),
};

function run(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const [cmd, argv] = runtimeCommand(runtime, bin, args);
  return new Promise((resolve) => {
    execFile(cmd, argv, { env, timeout: 30_000 }, (error, _stdout, stderr) => {
      const code = error ? (error as { code?: number }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stderr });
    });
  });
}

describe(`bgtasks-mcp --sandbox on ${runtime}`, () => {
  test("runs the model's job sandboxed: a write outside its directory fails and the notice says so", async () => {
    // Not under /tmp: the sandbox's /tmp is private, so a write there would not reach the host.
    const outside = mkdtempSync('/var/tmp/bgtasks-mcp-sandbox-');
    const cwd = mkdtempSync(join(tmpdir(), 'bgtasks-mcp-sandbox-cwd-'));
    const [command, argv] = runtimeCommand(runtime, bin, ['--sandbox', '--cwd', cwd]);
    const transport = new StdioClientTransport({ command, args: argv, env, stderr: 'pipe', cwd });
    const client = new Client({ name: 'sandbox-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const call = (name: string, args: Record<string, unknown>) =>
        client.callTool({ name, arguments: args }) as Promise<CallToolResult>;
      await call('bg_bash', { command: `echo in > inside.txt; echo out > ${outside}/f`, id: 'sbx' });
      const waited = textOf(await call('bg_wait', { ids: ['sbx'], timeout_s: 20 }));
      expect(waited).toMatch(/<bg_notice id="sbx" state="failed" exit_code="2"/);
      expect(waited).toMatch(/Read-only file system/);
      expect(waited).toMatch(/\nsandbox: blocked: a write outside the allowed paths/);
      expect(readFileSync(join(cwd, 'inside.txt'), 'utf8')).toBe('in\n');
      expect(existsSync(join(outside, 'f'))).toBe(false);
    } finally {
      await client.close();
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test.each([
    [['--sandbox-write', '/x'], /^bgtasks-mcp: --sandbox-write needs --sandbox; see --help\n$/],
    [['--sandbox', '--sandbox-port', '0'], /^bgtasks-mcp: --sandbox-port must be .*\n$/],
    [['--sandbox', '--sandbox-net', 'wifi'], /^bgtasks-mcp: --sandbox-net must be one of off, host, got "wifi"; see --help\n$/],
  ])('%j exits 2 with one line', async (args, said) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(said);
  });
});
