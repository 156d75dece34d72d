import { describe, expect, test } from 'vitest';
import { DEFAULT_PACING } from './pacing.ts';
import { parseMessagesRequest } from './request.ts';
import { type PrefixMemo, requestPrefixBlocks } from './request-tokens.ts';

const system = [{ type: 'text', text: 'You are a build engineer. '.repeat(400), cache_control: { type: 'ephemeral' } }];
const turn1 = [{ role: 'user', content: 'build it' }];
const turn2 = [
  ...turn1,
  { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: 'make' } }] },
  {
    role: 'user',
    content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok', cache_control: { type: 'ephemeral' } }],
  },
];
const request = (messages: unknown[]) => parseMessagesRequest({ model: 'claude-sim', max_tokens: 100, system, messages });

describe('prefix blocks with a memo', () => {
  test('a memo kept across requests gives the same blocks as none, and serves the repeated prefix', () => {
    const memo: PrefixMemo = new Map();
    const first = requestPrefixBlocks(request(turn1), DEFAULT_PACING, memo);
    expect(memo.size).toBe(first.length);
    const second = requestPrefixBlocks(request(turn2), DEFAULT_PACING, memo);
    expect(first).toEqual(requestPrefixBlocks(request(turn1), DEFAULT_PACING));
    expect(second).toEqual(requestPrefixBlocks(request(turn2), DEFAULT_PACING));
    // The second request shares the system and first message with the first: only its two new blocks were added.
    expect(second.slice(0, first.length)).toEqual(first);
    expect(memo.size).toBe(second.length);
  });

  test('the same blocks after a different system prompt do not reuse the first prefix', () => {
    const memo: PrefixMemo = new Map();
    const a = requestPrefixBlocks(request(turn1), DEFAULT_PACING, memo);
    const other = parseMessagesRequest({ model: 'claude-sim', max_tokens: 100, system: 'short', messages: turn1 });
    const b = requestPrefixBlocks(other, DEFAULT_PACING, memo);
    expect(b.at(-1)?.prefixHash).not.toBe(a.at(-1)?.prefixHash);
    expect(b).toEqual(requestPrefixBlocks(other, DEFAULT_PACING));
  });
});
