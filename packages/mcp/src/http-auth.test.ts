// The locked door of --http: every request needs the bearer token; without it (or with a wrong
// one) 401 and no job runs, whoever asks, another local user included.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getuid } from 'node:process';
import { BackgroundExecutor, type Executor } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateToken, hasBearer, MIN_TOKEN_LENGTH, tokensEqual } from './bearer.ts';
import { createMcpServer } from './create-server.ts';
import { type McpHttpServer, serveMcpHttp } from './http.ts';
import { eventually } from './test-kit.ts';

const runtime = createRuntime();
const executors: Executor[] = [];
let http: McpHttpServer;
let token: string;

beforeAll(async () => {
  http = await serveMcpHttp({
    createSession: () => {
      const executor = new BackgroundExecutor(runtime, { killGraceMs: 500 });
      executors.push(executor);
      return createMcpServer({ executor });
    },
    sleep: (ms, signal) => runtime.sleep(ms, signal),
  });
  token = http.token as string;
});
afterAll(async () => {
  await http.close();
});

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

function post(headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(http.url, { method: 'POST', headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) });
}

/** An initialized session opened with the token; its id. */
async function openSession(): Promise<string> {
  const init = await post({ authorization: `Bearer ${token}` }, initialize);
  expect(init.status).toBe(200);
  const id = init.headers.get('mcp-session-id') as string;
  await init.text();
  const headers = { authorization: `Bearer ${token}`, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' };
  await (await post(headers, { jsonrpc: '2.0', method: 'notifications/initialized' })).text();
  return id;
}

function bgBash(command: string) {
  return { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'bg_bash', arguments: { command } } };
}

describe('the bearer token', () => {
  test('a generated token is 256 random bits, different each time', () => {
    const tokens = new Set(Array.from({ length: 50 }, generateToken));
    expect(tokens.size).toBe(50);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(MIN_TOKEN_LENGTH).toBeGreaterThanOrEqual(16);
  });

  test('tokens compare equal only when identical, whatever their lengths', async () => {
    const t = generateToken();
    expect(await tokensEqual(t, t)).toBe(true);
    expect(await tokensEqual(`${t}x`, t)).toBe(false);
    expect(await tokensEqual(t.slice(0, -1), t)).toBe(false);
    expect(await tokensEqual('', t)).toBe(false);
  });

  test.each([
    ['no header', {}, false],
    ['the right token', { authorization: 'Bearer RIGHT-token-0123456789' }, true],
    ['a lower-case scheme', { authorization: 'bearer RIGHT-token-0123456789' }, true],
    ['another scheme', { authorization: 'Basic RIGHT-token-0123456789' }, false],
    ['a wrong token', { authorization: 'Bearer WRONG-token-0123456789' }, false],
    ['a prefix of the token', { authorization: 'Bearer RIGHT-token' }, false],
    ['the token and more', { authorization: 'Bearer RIGHT-token-0123456789 extra' }, false],
  ])('a request with %s: %s', async (_name, headers, ok) => {
    expect(await hasBearer(new Request('http://127.0.0.1/mcp', { headers }), 'RIGHT-token-0123456789')).toBe(ok);
  });
});

describe('bgtasks-mcp --http refuses requests without the token', () => {
  test.each([
    ['without a token', {}],
    ['with a wrong token', { authorization: `Bearer ${'x'.repeat(43)}` }],
    ['with the token under another scheme', { authorization: 'Basic dG9rZW4=' }],
  ])('initialize %s gets 401 with WWW-Authenticate: Bearer, and no session', async (_name, headers) => {
    const before = http.handler.sessions;
    const r = await post(headers, initialize);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await r.json()).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/Unauthorized/) } });
    expect(http.handler.sessions).toBe(before);
  });

  test("a tool call into a live session without the token (or with a wrong one) is refused and runs nothing; the token's call runs", async () => {
    const session = await openSession();
    const executor = executors.at(-1) as Executor;
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-auth-'));
    const base = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
    // One character off (never the token itself: its last character may well be an A).
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const headers of [base, { ...base, authorization: `Bearer ${wrong}` }]) {
      const r = await post(headers, bgBash(`touch ${dir}/intruder`));
      expect(r.status).toBe(401);
      await r.text();
    }
    const ok = await post({ ...base, authorization: `Bearer ${token}` }, bgBash(`touch ${dir}/owner`));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/started job/);
    await eventually(() => existsSync(join(dir, 'owner')));
    await executor.wait(executor.list().map((j) => j.id));
    expect(existsSync(join(dir, 'intruder'))).toBe(false);
    expect(executor.list()).toHaveLength(1);
  });

  // Another local user can find the port in /proc/net/tcp; what stops it is the token it cannot
  // read. Shown for real when the suite runs as root with setpriv and curl (a client as `nobody`).
  const root = typeof getuid === 'function' && getuid() === 0;
  const tools = existsSync('/usr/bin/setpriv') && existsSync('/usr/bin/curl');
  test.skipIf(!root || !tools)('as another local user (nobody) without the token, nothing runs', async () => {
    const session = await openSession();
    const executor = executors.at(-1) as Executor;
    const dir = mkdtempSync(join(tmpdir(), 'bgtasks-auth-'));
    const asNobody = (body: unknown, headers: string[]) =>
      new Promise<string>((resolve, reject) => {
        const args = ['--reuid=65534', '--regid=65534', '--clear-groups', '/usr/bin/curl', '-s', '-o', '/dev/null'];
        args.push('-w', '%{http_code} %{header_json}', '-X', 'POST', http.url, '-d', JSON.stringify(body));
        for (const h of ['content-type: application/json', 'accept: application/json, text/event-stream', ...headers]) {
          args.push('-H', h);
        }
        execFile('/usr/bin/setpriv', args, { timeout: 10_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
      });
    const whoami = await new Promise<string>((resolve) =>
      execFile('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'id', '-u'], (_e, out) =>
        resolve(out.trim()),
      ),
    );
    expect(whoami).toBe('65534');
    const fresh = await asNobody(initialize, []);
    expect(fresh).toMatch(/^401 /);
    const intruding = await asNobody(bgBash(`touch ${dir}/intruder`), [
      `mcp-session-id: ${session}`,
      'mcp-protocol-version: 2025-11-25',
      `authorization: Bearer ${generateToken()}`,
    ]);
    expect(intruding).toMatch(/^401 /);
    expect(intruding.toLowerCase()).toContain('www-authenticate');
    expect(executor.list()).toHaveLength(0);
    expect(existsSync(join(dir, 'intruder'))).toBe(false);
  });
});
