import Anthropic from '@anthropic-ai/sdk';
import { VirtualClock } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { createSimModel } from './index.ts';

const HEADERS = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'k' };

async function post(body: unknown, headers: Record<string, string> = HEADERS, apiKey?: string) {
  const sim = createSimModel('default', { clock: new VirtualClock(), ...(apiKey ? { apiKey } : {}) });
  const response = await sim.fetch('https://api.anthropic.com/v1/messages', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { type: string; error: { type: string; message: string } } };
}

const ok = { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

describe('bad requests get the errors the Messages API gives', () => {
  test.each([
    ['a missing max_tokens', { model: 'm', messages: ok.messages }, 'max_tokens: Field required'],
    ['a wrong role', { ...ok, messages: [{ role: 'developer', content: 'x' }] }, 'messages.0.role'],
    [
      'a system message first',
      { ...ok, messages: [{ role: 'system', content: 'x' }] },
      "messages.0: role 'system' must follow a 'user' message",
    ],
    ['no messages', { ...ok, messages: [] }, 'messages: at least one message is required'],
    ['an empty text block', { ...ok, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, 'non-empty'],
    ['a tool without input_schema', { ...ok, tools: [{ name: 'bash' }] }, 'tools.0.input_schema: Field required'],
    ['a tool without a name', { ...ok, tools: [{ input_schema: { type: 'object' } }] }, 'tools.0.name: Field required'],
    [
      'a tool_result for an unknown tool_use id',
      { ...ok, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'x' }] }] },
      'unexpected `tool_use_id` found in `tool_result` blocks: toolu_x',
    ],
    [
      'a tool_use left without its tool_result',
      {
        ...ok,
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'bash', input: {} }] },
          { role: 'user', content: 'well?' },
        ],
      },
      '`tool_use` ids were found without `tool_result` blocks immediately after: toolu_a',
    ],
    ['a body that is not JSON', '{"model": ', 'There was an error parsing the body'],
  ])('%s: 400 invalid_request_error saying what is wrong', async (_, body, message) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.body.type).toBe('error');
    expect(r.body.error.type).toBe('invalid_request_error');
    expect(r.body.error.message).toContain(message);
  });

  test('a missing anthropic-version header is a 400', async () => {
    const r = await post(ok, { 'content-type': 'application/json' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('anthropic-version: header is required');
  });

  test('when a key is required: 401 authentication_error without it or with a wrong one', async () => {
    const { 'x-api-key': _, ...noKey } = HEADERS;
    expect(await post(ok, noKey, 'secret')).toMatchObject({
      status: 401,
      body: { error: { type: 'authentication_error', message: 'x-api-key header is required' } },
    });
    expect((await post(ok, { ...HEADERS, 'x-api-key': 'wrong' }, 'secret')).status).toBe(401);
    expect((await post(ok, { ...HEADERS, 'x-api-key': 'secret' }, 'secret')).status).toBe(200);
  });

  test('the SDK surfaces them as its own error classes', async () => {
    const sim = createSimModel('default', { clock: new VirtualClock(), apiKey: 'secret' });
    const wrong = new Anthropic({ apiKey: 'nope', fetch: sim.fetch, maxRetries: 0 });
    await expect(
      wrong.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const right = new Anthropic({ apiKey: 'secret', fetch: sim.fetch, maxRetries: 0 });
    const bad = right.messages.create({ model: 'm', max_tokens: -1, messages: [{ role: 'user', content: 'x' }] });
    await expect(bad).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(bad).rejects.toThrow(/max_tokens/);
  });

  test('an unknown path is a 404 not_found_error', async () => {
    const sim = createSimModel('default', { clock: new VirtualClock() });
    const response = await sim.fetch('http://x/v1/complete', { method: 'POST', headers: HEADERS, body: '{}' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('not_found_error');
  });
});
