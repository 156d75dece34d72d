import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { BackgroundExecutor, NOTICE_HEADER, type Notice, parseNotices } from '@bgtasks/core';
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { describe, expect, it } from 'vitest';
import { injectNotices, injectTools, NoticeInjector } from './index.ts';

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

/** Every text in the messages, joined, so notices can be parsed out of it. */
function allText(messages: readonly MessageParam[]): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(messages);
  return out.join('\n');
}

const toolTurn: MessageParam[] = [
  { role: 'user', content: 'build it' },
  {
    role: 'assistant',
    content: [
      { type: 'tool_use', id: 'tu_1', name: 'bg_bash', input: { command: 'make a' } },
      { type: 'tool_use', id: 'tu_2', name: 'bg_bash', input: { command: 'make b' } },
    ],
  },
  {
    role: 'user',
    content: [
      { type: 'tool_result', tool_use_id: 'tu_1', content: 'started job "a" (make a)' },
      { type: 'tool_result', tool_use_id: 'tu_2', content: 'started job "b" (make b)' },
    ],
  },
];

describe('injectNotices', () => {
  it('appends one text block to the content of the last tool_result, leaving the input alone', () => {
    const before = structuredClone(toolTurn);
    const { messages, placement } = injectNotices(toolTurn, [notice('x', 1), notice('y', 2)]);
    expect(placement).toBe('tool_result');
    expect(toolTurn).toEqual(before);
    expect(messages.slice(0, 2)).toEqual(toolTurn.slice(0, 2));
    expect(messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'tu_1', content: 'started job "a" (make a)' },
        {
          type: 'tool_result',
          tool_use_id: 'tu_2',
          content: [
            { type: 'text', text: 'started job "b" (make b)' },
            { type: 'text', text: expect.stringMatching(new RegExp(`^${NOTICE_HEADER}\\n<bg_notice id="x"`)) },
          ],
        },
      ],
    });
    expect(parseNotices(allText(messages)).map((n) => n.jobId)).toEqual(['x', 'y']);
  });

  it('after an assistant turn sends the notices as a user message of their own (wake-up)', () => {
    const history: MessageParam[] = [...toolTurn, { role: 'assistant', content: 'waiting for the builds' }];
    const { messages, placement } = injectNotices(history, [notice('x', 1)]);
    expect(placement).toBe('wake');
    expect(messages).toHaveLength(5);
    expect(messages[4]).toMatchObject({ role: 'user', content: [{ type: 'text' }] });
  });

  it('with no tool_result adds a text block to the last user message, and with no notice changes nothing', () => {
    const { messages, placement } = injectNotices([{ role: 'user', content: 'hi' }], [notice('x', 1)]);
    expect(placement).toBe('user_text');
    expect(messages[0]?.content).toMatchObject([{ type: 'text', text: 'hi' }, { type: 'text' }]);
    expect(injectNotices(toolTurn, [])).toEqual({ messages: toolTurn, placement: 'none' });
  });
});

describe('NoticeInjector', () => {
  it('delivers each notice exactly once: released on a failed request, acked on success', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const injector = new NoticeInjector(executor.bus.consumer('inject'), runtime);
    executor.submit({ command: 'echo a', id: 'a' });
    await executor.wait(['a']);
    const failed = injector.prepare(toolTurn);
    expect(failed.notices.map((n) => n.jobId)).toEqual(['a']);
    await injector.abandon(failed);
    executor.submit({ command: 'echo b', id: 'b' });
    await executor.wait(['b']);
    const retried = injector.prepare(toolTurn);
    expect(retried.notices.map((n) => n.jobId)).toEqual(['a', 'b']);
    const history = await injector.commit(retried);
    expect(parseNotices(allText(history)).map((n) => n.jobId)).toEqual(['a', 'b']);
    const next = injector.prepare(history);
    expect(next.notices).toEqual([]);
    expect(next.messages).toEqual(history);
    await injector.commit(next);
    await executor.close();
  });

  it('wakes on the next notice with every job that ended at the same instant, or at the deadline', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const injector = new NoticeInjector(executor.bus.consumer('inject'), runtime);
    executor.submit({ command: 'sleep 30', id: 'one' });
    executor.submit({ command: 'sleep 30', id: 'two' });
    executor.submit({ command: 'sleep 90', id: 'late' });
    expect(await injector.waitForWake(600_000)).toBe('notice');
    expect(runtime.now()).toBe(30_020);
    expect(injector.consumer.pending().map((n) => n.jobId)).toEqual(['one', 'two']);
    injector.consumer.ack(injector.consumer.lease());
    expect(await injector.waitForWake(10_000)).toBe('timeout');
    expect(runtime.now()).toBe(40_020);
    await executor.close();
  });

  it('stops waiting when aborted', async () => {
    const runtime = createVirtualRuntime();
    const executor = new BackgroundExecutor(runtime);
    const injector = new NoticeInjector(executor.bus.consumer('inject'), runtime);
    const abort = new AbortController();
    const waiting = injector.waitForWake(60_000, abort.signal);
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortedError' });
    await executor.close();
  });
});

describe('injectTools', () => {
  it('offers bg_bash, bg_output, bg_kill and bg_write only', () => {
    const executor = new BackgroundExecutor(createVirtualRuntime());
    expect(injectTools(executor).names).toEqual(['bg_bash', 'bg_output', 'bg_kill', 'bg_write']);
  });
});
