/**
 * Where notices go in the next request: appended as a text block to the content of the last
 * `tool_result` of the last user message; with no tool_result to ride on, as a text block of the
 * last user message; after an assistant turn (the model ended its turn), as a user message of
 * their own (the wake-up). Never invents a tool_use_id or an assistant turn.
 */
import type { ContentBlockParam, MessageParam, TextBlockParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { formatNotices, type Notice } from '@bgtasks/core';

/** Where {@link injectNotices} put the notices. */
export type NoticePlacement = 'tool_result' | 'user_text' | 'wake' | 'none';

/** The messages with notices placed, and where. */
export interface Injected {
  messages: MessageParam[];
  placement: NoticePlacement;
}

function blocks(content: MessageParam['content']): ContentBlockParam[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : [...content];
}

/** Returns new messages (the input is not changed) with `notices` placed as described above. */
export function injectNotices(messages: readonly MessageParam[], notices: readonly Notice[]): Injected {
  if (notices.length === 0) return { messages: [...messages], placement: 'none' };
  const text: TextBlockParam = { type: 'text', text: formatNotices(notices) };
  const last = messages.at(-1);
  if (!last || last.role === 'assistant') {
    return { messages: [...messages, { role: 'user', content: [text] }], placement: 'wake' };
  }
  const content = blocks(last.content);
  const at = content.findLastIndex((b) => b.type === 'tool_result');
  if (at < 0) {
    return { messages: [...messages.slice(0, -1), { role: 'user', content: [...content, text] }], placement: 'user_text' };
  }
  const result = content[at] as ToolResultBlockParam;
  const inner: NonNullable<ToolResultBlockParam['content']> =
    result.content === undefined
      ? []
      : typeof result.content === 'string'
        ? [{ type: 'text', text: result.content }]
        : [...result.content];
  content[at] = { ...result, content: [...inner, text] };
  return { messages: [...messages.slice(0, -1), { role: 'user', content }], placement: 'tool_result' };
}
