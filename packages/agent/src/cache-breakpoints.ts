/**
 * Prompt-caching breakpoints (`cache_control: { type: 'ephemeral' }`, at most 4 per request):
 * on the last tool definition, on the system prompt (tools and system form a prefix that never
 * changes during a run) and on the last content block of the latest user message (so each
 * request reads the whole history the previous one wrote). Three in all.
 */
import type { MessageParam, TextBlockParam, Tool } from '@anthropic-ai/sdk/resources/messages';

const EPHEMERAL = { type: 'ephemeral' } as const;

/** Tool definitions with a breakpoint on the last one. */
export function cachedTools(tools: readonly Tool[]): Tool[] {
  return tools.map((t, i) => (i === tools.length - 1 ? { ...t, cache_control: EPHEMERAL } : t));
}

/** The system prompt as one text block with a breakpoint; undefined without one. */
export function cachedSystem(system: string | undefined): TextBlockParam[] | undefined {
  return system === undefined || system === '' ? undefined : [{ type: 'text', text: system, cache_control: EPHEMERAL }];
}

/** A copy of `messages` with a breakpoint on the last content block of the last user message. */
export function cachedMessages(messages: readonly MessageParam[]): MessageParam[] {
  const at = messages.findLastIndex((m) => m.role === 'user');
  const last = messages[at];
  if (last?.role !== 'user') return [...messages];
  const content = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : [...last.content];
  const tail = content.at(-1);
  if (!tail || tail.type === 'thinking' || tail.type === 'redacted_thinking') return [...messages];
  content[content.length - 1] = { ...tail, cache_control: EPHEMERAL } as typeof tail;
  const out = [...messages];
  out[at] = { role: 'user', content };
  return out;
}
