// Bad HTTP requests to the simulator's loopback server: each gets the Messages API's error JSON
// `{type: 'error', error: {type, message}}` and the server keeps answering.
import { createRuntime } from '@bgtasks/runtime';
import { VirtualClock } from '@bgtasks/runtime/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSimModel, DEFAULT_MAX_BODY_BYTES, type SimModel, SimServeError } from './index.ts';

const HEADERS = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'k' };
const GOOD = JSON.stringify({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });

let sim: SimModel;
let server: Awaited<ReturnType<SimModel['serve']>>;
beforeAll(async () => {
  // Real clock, fast pacing: a streamed answer takes a few hundred ms, so a client can cut it off.
  sim = createSimModel('default', {
    clock: createRuntime(),
    pacing: { ttftMs: 20, outputTokensPerSecond: 300, streamChunkTokens: 1 },
  });
  server = await sim.serve({ port: 0 });
});
afterAll(async () => {
  await server.close();
});

async function call(init: RequestInit & { path?: string }) {
  const response = await fetch(`${server.url}${init.path ?? '/v1/messages'}`, init);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as { type: string; error: { type: string; message: string } } };
}

async function expectAlive() {
  const ok = await call({ method: 'POST', headers: HEADERS, body: GOOD });
  expect(ok.status).toBe(200);
  expect(ok.body.type).toBe('message');
}

describe('the sim server answers bad requests with the API error shape and lives on', () => {
  test.each([
    [
      'malformed JSON',
      { method: 'POST', headers: HEADERS, body: '{"model": "m", ' },
      400,
      'invalid_request_error',
      /error parsing the body/,
    ],
    [
      'content type text/plain',
      { method: 'POST', headers: { ...HEADERS, 'content-type': 'text/plain' }, body: GOOD },
      400,
      'invalid_request_error',
      /^content-type: must be application\/json, got "text\/plain"$/,
    ],
    [
      'no content type',
      {
        method: 'POST',
        headers: { 'anthropic-version': '2023-06-01' },
        body: new Blob([GOOD]),
      },
      400,
      'invalid_request_error',
      /^content-type: must be application\/json, got none$/,
    ],
    [
      'GET on /v1/messages',
      { method: 'GET', headers: HEADERS },
      405,
      'invalid_request_error',
      /Method GET not allowed; use POST/,
    ],
    ['an unknown path', { method: 'POST', headers: HEADERS, body: GOOD, path: '/v1/nope' }, 404, 'not_found_error', /Not found/],
  ])('%s', async (_, init, status, type, message) => {
    const r = await call(init as RequestInit & { path?: string });
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ type: 'error', error: { type } });
    expect(r.body.error.message).toMatch(message);
    await expectAlive();
  });

  test('a 10 MB body is refused with 413 request_too_large, with or without content-length', async () => {
    const big = JSON.stringify({
      model: 'm',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'x'.repeat(10 * 1024 * 1024) }],
    });
    const declared = await call({ method: 'POST', headers: HEADERS, body: big });
    expect(declared.status).toBe(413);
    expect(declared.body).toEqual({
      type: 'error',
      error: {
        type: 'request_too_large',
        message: `Request exceeds the maximum allowed number of bytes: ${DEFAULT_MAX_BODY_BYTES}`,
      },
      request_id: expect.stringMatching(/^req_sim_/),
    });
    await expectAlive();
    // Chunked, no content-length: the limit holds while reading.
    const bytes = new TextEncoder().encode(big);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 1024 * 1024) controller.enqueue(bytes.slice(at, at + 1024 * 1024));
        controller.close();
      },
    });
    const streamed = await call({ method: 'POST', headers: HEADERS, body: chunked, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(streamed.body.error.type).toBe('request_too_large');
    await expectAlive();
  });

  test('a 10 MB body the server never reads (unknown path) is dropped and the connection serves on', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    for (let i = 0; i < 3; i++) {
      const r = await call({ method: 'POST', headers: HEADERS, body: big, path: '/v1/nope' });
      expect(r.status).toBe(404);
      await expectAlive();
    }
  });

  test('a client that cuts off a streamed answer leaves the server answering the next request', async () => {
    const abort = new AbortController();
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ ...JSON.parse(GOOD), stream: true }),
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('event: message_start');
    abort.abort();
    await reader.read().catch(() => undefined);
    await expectAlive();
  });
});

describe('the sim server binds loopback only', () => {
  test('the URL it gives is 127.0.0.1, and 0.0.0.0 or a LAN address is refused', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const local = createSimModel('default', { clock: new VirtualClock() });
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      const error = await local.serve({ port: 0, host }).catch((e: unknown) => e);
      expect(SimServeError.isInstance(error), String(error)).toBe(true);
      expect((error as Error).message).toContain('is not loopback');
    }
  });
});
