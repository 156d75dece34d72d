import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { parseNotices } from '@bgtasks/core';

/** Job ids of the `<bg_notice>` blocks inside the tool_results of a user message, in order. */
export function noticeIdsInToolResults(message: MessageParam | undefined): string[] {
  if (message?.role !== 'user' || typeof message.content === 'string') return [];
  const ids: string[] = [];
  for (const block of message.content) {
    if (block.type !== 'tool_result' || block.content === undefined) continue;
    const texts =
      typeof block.content === 'string' ? [block.content] : block.content.map((b) => (b.type === 'text' ? b.text : ''));
    for (const text of texts) for (const n of parseNotices(text)) ids.push(n.jobId);
  }
  return ids;
}
