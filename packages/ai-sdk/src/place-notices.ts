/**
 * Where notices go in an AI SDK step's messages, the inject way (the same rules as
 * `injectNotices` of `@bgtasks/inject`, on `ModelMessage`s): appended to the output of the last
 * tool result of a trailing `tool` message; with no tool result to ride on, as a text part of a
 * trailing user message; after an assistant message (the model ended its turn), as a user message
 * of their own (the wake-up). Never invents a tool call or an assistant turn.
 */
import { formatNotices, type Notice } from '@bgtasks/core';
import type { ModelMessage, ToolResultPart } from 'ai';

/** Where {@link placeNotices} put the notices. */
export type NoticePlacement = 'tool_result' | 'user_text' | 'wake' | 'none';

/** The messages with the notices placed, and where. */
export interface PlacedNotices {
  messages: ModelMessage[];
  placement: NoticePlacement;
}

type ToolOutput = ToolResultPart['output'];

/**
 * A tool result's output with `text` added as a text part of its own. Anthropic's tool_result
 * takes an error as a string only, so an error output keeps `is_error` and gets the notices as
 * a paragraph of that string instead.
 */
function withText(output: ToolOutput, text: string): ToolOutput {
  switch (output.type) {
    case 'text':
      return {
        type: 'content',
        value: [
          { type: 'text', text: output.value },
          { type: 'text', text },
        ],
      };
    case 'json':
      return {
        type: 'content',
        value: [
          { type: 'text', text: JSON.stringify(output.value) },
          { type: 'text', text },
        ],
      };
    case 'content':
      return { ...output, value: [...output.value, { type: 'text', text }] };
    case 'error-text':
      return { ...output, value: `${output.value}\n\n${text}` };
    case 'error-json':
      return { type: 'error-text', value: `${JSON.stringify(output.value)}\n\n${text}` };
    case 'execution-denied':
      return {
        type: 'content',
        value: [
          { type: 'text', text: output.reason ?? 'Tool call execution denied.' },
          { type: 'text', text },
        ],
      };
  }
}

/** Returns new messages (the input is not changed) with `notices` placed as described above. */
export function placeNotices(messages: readonly ModelMessage[], notices: readonly Notice[]): PlacedNotices {
  if (notices.length === 0) return { messages: [...messages], placement: 'none' };
  const text = formatNotices(notices);
  const last = messages.at(-1);
  const before = messages.slice(0, -1);
  if (last?.role === 'tool') {
    const at = last.content.findLastIndex((part) => part.type === 'tool-result');
    if (at >= 0) {
      const content = [...last.content];
      const result = content[at] as ToolResultPart;
      content[at] = { ...result, output: withText(result.output, text) };
      return { messages: [...before, { ...last, content }], placement: 'tool_result' };
    }
  }
  if (last?.role === 'user') {
    const content = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : [...last.content];
    return { messages: [...before, { ...last, content: [...content, { type: 'text', text }] }], placement: 'user_text' };
  }
  // After an assistant or system message, or a tool message with nothing to ride on.
  return { messages: [...messages, { role: 'user', content: [{ type: 'text', text }] }], placement: 'wake' };
}
