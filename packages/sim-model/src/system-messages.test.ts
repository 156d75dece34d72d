import { VirtualClock } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { createSimModel } from './index.ts';

const HEADERS = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'sim' };
const user = (content: unknown) => ({ role: 'user', content });
const system = (content: unknown) => ({ role: 'system', content });
const assistant = (content: unknown) => ({ role: 'assistant', content });

async function post(messages: unknown[]): Promise<{ status: number; body: { error?: { type: string; message: string } } }> {
  const sim = createSimModel('default', { clock: new VirtualClock() });
  const response = await sim.fetch('http://127.0.0.1/v1/messages?beta=true', {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ model: 'm', max_tokens: 1024, messages }),
  });
  return { status: response.status, body: await response.json() };
}

describe('mid-conversation system messages, placed as the API allows', () => {
  test.each([
    ['after a user turn, ending the array', [user('hi'), system('Be brief.')]],
    ['after a user turn, before an assistant turn', [user('hi'), system('Be brief.'), assistant('Hello.'), user('go on')]],
    ['a run of two after a user turn', [user('hi'), system('Be brief.'), system([{ type: 'text', text: 'And kind.' }])]],
    ['with only a per-turn effort', [user('hi'), { role: 'system', output_config: { effort: 'low' } }]],
    [
      'after an assistant turn that ended in a server tool call',
      [
        user('hi'),
        assistant([{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'tool_search_tool_regex', input: { query: 'x' } }]),
        system('Be brief.'),
      ],
    ],
  ])('accepted: %s', async (_, messages) => {
    const { status, body } = await post(messages);
    expect(status, JSON.stringify(body)).toBe(200);
  });

  test.each([
    ['first', [system('Be brief.'), user('hi')], "messages.0: role 'system' must follow a 'user' message"],
    [
      'after an assistant turn',
      [user('hi'), assistant('Hello.'), system('x')],
      "messages.2: role 'system' must follow a 'user' message",
    ],
    [
      'before a user turn',
      [user('hi'), system('x'), user('again')],
      "messages.1: role 'system' must precede an 'assistant' message or end the array",
    ],
    [
      'with neither content nor output_config',
      [user('hi'), { role: 'system' }],
      'messages.1: a system message needs `content` or `output_config`',
    ],
    ['with a tool_use block', [user('hi'), system([{ type: 'tool_use', id: 't', name: 'x', input: {} }])], 'messages.1.content'],
  ])('refused with a 400 naming the message: %s', async (_, messages, text) => {
    const { status, body } = await post(messages);
    expect(status).toBe(400);
    expect(body.error?.type).toBe('invalid_request_error');
    expect(body.error?.message).toContain(text);
  });
});
