// The stdio transport's gate, on a real session: every malformed line gets the spec's JSON-RPC
// error, tool arguments are validated by the tool's own schema (as in process), and an oversized
// line is answered and skipped while the server and its jobs live on.
import { BackgroundExecutor } from '@bgtasks/core';
import { pollingTools } from '@bgtasks/polling';
import { createRuntime } from '@bgtasks/runtime';
import { afterEach, describe, expect, test } from 'vitest';
import { createMcpServer, type McpSession } from './create-server.ts';
import { LineTransport } from './line-transport.ts';
import { eventually } from './test-kit.ts';

/** A JSON-RPC reply as the test reads it. */
interface Reply {
  id: unknown;
  result?: { isError?: boolean; content: Array<{ type: string; text: string }> };
  error?: { code: number; message: string };
}

interface Wire {
  send(text: string | Uint8Array): void;
  end(): void;
  /** Replies seen so far, parsed. */
  replies: Array<Reply>;
  reply(id: number): Promise<Reply>;
  session: McpSession;
}

const open: McpSession[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** A session behind a LineTransport whose input the test writes, byte for byte. */
async function wire(maxLineBytes?: number): Promise<Wire> {
  const executor = new BackgroundExecutor(createRuntime(), { killGraceMs: 200 });
  const session = createMcpServer({ executor });
  open.push(session);
  const queue: Array<Uint8Array | null> = [];
  let wake: (() => void) | undefined;
  const input = (async function* () {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const chunk = queue.shift() as Uint8Array | null;
      if (chunk === null) return;
      yield chunk;
    }
  })();
  const feed = (chunk: Uint8Array | null) => {
    queue.push(chunk);
    wake?.();
    wake = undefined;
  };
  const replies: Array<Reply> = [];
  let buffer = '';
  const transport = new LineTransport({
    input,
    raw: session.rawArguments,
    ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
    write: async (text) => {
      buffer += text;
      const lines = buffer.split('\n');
      buffer = lines.pop() as string;
      for (const l of lines) replies.push(JSON.parse(l));
    },
  });
  await session.server.connect(transport);
  const w: Wire = {
    send: (text) => feed(typeof text === 'string' ? new TextEncoder().encode(text) : text),
    end: () => feed(null),
    replies,
    session,
    async reply(id) {
      let found: Reply | undefined;
      await eventually(() => (found = replies.find((r) => r.id === id)) !== undefined);
      return found as Reply;
    },
  };
  w.send(
    `${JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })}\n${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`,
  );
  await w.reply(0);
  return w;
}

const line = (message: unknown) => `${JSON.stringify(message)}\n`;
const callTool = (id: number, args: unknown) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'bg_bash', arguments: args },
});

describe('LineTransport (stdio) answers malformed messages with the JSON-RPC error the spec names', () => {
  test('text that is not JSON: -32700, and the next request is answered', async () => {
    const w = await wire();
    w.send('this is not json\n');
    w.send(line({ jsonrpc: '2.0', id: 1, method: 'ping' }));
    expect(await w.reply(1)).toMatchObject({ result: {} });
    expect(w.replies).toContainEqual(expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32700 }) }));
  });

  test.each([
    ['a string', '"oops"'],
    ['an array', '[1, 2]'],
    ['a number', '42'],
  ])('a request whose params is %s: -32602 naming "params", with its id', async (_name, params) => {
    const w = await wire();
    w.send(`{"jsonrpc":"2.0","id":5,"method":"tools/list","params":${params}}\n`);
    const reply = await w.reply(5);
    expect(reply.error).toMatchObject({ code: -32602, message: expect.stringMatching(/"params" must be an object/) });
  });

  test('JSON that is no JSON-RPC message (wrong version, batch, bad id): -32600', async () => {
    const w = await wire();
    w.send('{"jsonrpc":"1.0","id":6,"method":"ping"}\n[1,2,3]\n{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}\n');
    await eventually(() => w.replies.filter((r) => r.error?.code === -32600).length === 3);
    expect(w.replies.find((r) => r.error?.code === -32600 && r.id === 6)).toBeDefined();
  });
});

describe('tool arguments go through the tool’s own validation, as in process', () => {
  const inProcess = pollingTools(new BackgroundExecutor(createRuntime())).tools.find((t) => t.name === 'bg_bash');

  test.each([
    ['a string', 'echo hi', /"arguments" must be an object.*got a string/],
    ['an array', ['echo hi'], /"arguments" must be an object.*got an array/],
    ['a number', 7, /"arguments" must be an object.*got a number/],
  ])('arguments that is %s: an isError result naming "arguments", not -32603', async (_name, args, message) => {
    const w = await wire();
    w.send(line(callTool(9, args)));
    const reply = await w.reply(9);
    expect(reply.error).toBeUndefined();
    expect(reply.result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(message) }] });
    expect(w.session.executor.list()).toEqual([]);
  });

  test('an own __proto__ key is refused exactly as the in-process tool refuses it, and no job runs', async () => {
    const w = await wire();
    const raw = '{"command": "true", "__proto__": {"polluted": 1}}';
    w.send(`{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"bg_bash","arguments":${raw}}}\n`);
    const reply = await w.reply(10);
    const expected = await inProcess?.execute(JSON.parse(raw), { signal: new AbortController().signal });
    expect(expected?.isError).toBe(true);
    expect(reply.result).toMatchObject({ isError: true, content: [{ type: 'text', text: expected?.text }] });
    expect(w.session.executor.list()).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('valid arguments start the job', async () => {
    const w = await wire();
    w.send(line(callTool(11, { command: 'true', id: 'fine' })));
    expect((await w.reply(11)).result?.content[0]?.text).toMatch(/^started job "fine"/);
  });
});

describe('a line over the limit', () => {
  test('is answered with -32600 and skipped; the server answers the next line and its job still runs', async () => {
    const w = await wire(1024);
    w.send(line(callTool(20, { command: 'sleep 30', id: 'survivor' })));
    await w.reply(20);
    // Sent in pieces, as a pipe delivers it, then a newline and a normal request.
    const chunk = new TextEncoder().encode('x'.repeat(700));
    for (let i = 0; i < 5; i++) w.send(chunk);
    w.send('\n');
    w.send(line({ jsonrpc: '2.0', id: 21, method: 'ping' }));
    expect(await w.reply(21)).toMatchObject({ result: {} });
    expect(w.replies).toContainEqual(
      expect.objectContaining({
        id: null,
        error: expect.objectContaining({ code: -32600, message: expect.stringMatching(/over 1024 bytes/) }),
      }),
    );
    expect(w.session.executor.get('survivor').state).toBe('running');
  });

  test('the input ending closes the session (the client went away)', async () => {
    const w = await wire();
    w.end();
    await w.session.closed;
  });
});
