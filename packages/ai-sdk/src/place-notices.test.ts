import { noticeIdsIn } from '@bgtasks/agent/testing';
import { NOTICE_HEADER, type Notice, parseNotices } from '@bgtasks/core';
import type { ModelMessage, ToolResultPart } from 'ai';
import { describe, expect, it } from 'vitest';
import { placeNotices } from './index.ts';

function notice(jobId: string, seq: number): Notice {
  return {
    jobId,
    state: 'completed',
    exitCode: 0,
    signal: null,
    durationMs: 1000,
    outputBytes: 3,
    tail: 'ok',
    truncated: false,
    seq,
    endedAt: 1000,
    command: `make ${jobId}`,
  };
}

function result(toolCallId: string, output: ToolResultPart['output']): ToolResultPart {
  return { type: 'tool-result', toolCallId, toolName: 'bg_bash', output };
}

const toolTurn = (output: ToolResultPart['output']): ModelMessage[] => [
  { role: 'user', content: 'build it' },
  {
    role: 'assistant',
    content: [
      { type: 'tool-call', toolCallId: 'c1', toolName: 'bg_bash', input: { command: 'make a' } },
      { type: 'tool-call', toolCallId: 'c2', toolName: 'bg_bash', input: { command: 'make b' } },
    ],
  },
  { role: 'tool', content: [result('c1', { type: 'text', value: 'started a' }), result('c2', output)] },
];

/** The output of the second tool result of the third message. */
function lastResult(messages: readonly ModelMessage[]): ToolResultPart['output'] | undefined {
  return (messages[2]?.content as ToolResultPart[] | undefined)?.[1]?.output;
}

const noticeText = expect.stringMatching(new RegExp(`^${NOTICE_HEADER}\\n<bg_notice id="x"`));

describe('placeNotices', () => {
  it('adds a text part to the output of the last tool result, leaving the input alone', () => {
    const messages = toolTurn({ type: 'text', value: 'started b' });
    const before = structuredClone(messages);
    const placed = placeNotices(messages, [notice('x', 1), notice('y', 2)]);
    expect(placed.placement).toBe('tool_result');
    expect(messages).toEqual(before);
    expect(placed.messages.slice(0, 2)).toEqual(messages.slice(0, 2));
    expect(placed.messages[2]).toEqual({
      role: 'tool',
      content: [
        result('c1', { type: 'text', value: 'started a' }),
        result('c2', {
          type: 'content',
          value: [
            { type: 'text', text: 'started b' },
            { type: 'text', text: noticeText },
          ],
        }),
      ],
    });
    expect(noticeIdsIn(placed.messages)).toEqual(['x', 'y']);
  });

  it('keeps an error result an error (is_error) and adds the notices as a paragraph of its text', () => {
    const placed = placeNotices(toolTurn({ type: 'error-text', value: 'bg_bash failed: bad id' }), [notice('x', 1)]);
    const output = lastResult(placed.messages);
    expect(output).toEqual({ type: 'error-text', value: expect.stringMatching(/^bg_bash failed: bad id\n\n/) });
    expect(output?.type === 'error-text' && parseNotices(output.value).map((n) => n.jobId)).toEqual(['x']);
  });

  it.each([
    [{ type: 'json', value: { ok: true } }, ['{"ok":true}', noticeText]],
    [{ type: 'execution-denied', reason: 'no' }, ['no', noticeText]],
    [{ type: 'content', value: [{ type: 'text', text: 'hi' }] }, ['hi', noticeText]],
  ] as const)('turns a %j output into content ending with the notices', (output, texts) => {
    const placed = placeNotices(toolTurn(output as ToolResultPart['output']), [notice('x', 1)]);
    const got = lastResult(placed.messages);
    expect(got).toEqual({ type: 'content', value: texts.map((text) => ({ type: 'text', text })) });
  });

  it('after the model ended its turn sends the notices as a user message of their own (wake-up)', () => {
    const history: ModelMessage[] = [...toolTurn({ type: 'text', value: 'b' }), { role: 'assistant', content: 'waiting' }];
    const placed = placeNotices(history, [notice('x', 1)]);
    expect(placed.placement).toBe('wake');
    expect(placed.messages).toHaveLength(5);
    expect(placed.messages[4]).toEqual({ role: 'user', content: [{ type: 'text', text: noticeText }] });
  });

  it('with a user message last adds a text part to it; with no notice changes nothing', () => {
    const placed = placeNotices([{ role: 'user', content: 'hi' }], [notice('x', 1)]);
    expect(placed.placement).toBe('user_text');
    expect(placed.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'hi' },
          { type: 'text', text: noticeText },
        ],
      },
    ]);
    const messages = toolTurn({ type: 'text', value: 'b' });
    expect(placeNotices(messages, [])).toEqual({ messages, placement: 'none' });
    expect(placeNotices([], [notice('x', 1)]).placement).toBe('wake');
  });
});
