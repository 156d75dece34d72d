/** Reading notices back out of what was sent to a model, for assertions. */
import { parseNotices } from '@bgtasks/core';

/** Every string inside `value` (messages, content blocks, request bodies), in order. */
export function textsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) textsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) textsIn(v, out);
  return out;
}

/**
 * Job ids of the `<bg_notice>` blocks anywhere in `value`, in order.
 * @example
 * expect(noticeIdsIn(request.body.messages)).toEqual(['build', 'test']);
 */
export function noticeIdsIn(value: unknown): string[] {
  return parseNotices(textsIn(value).join('\n')).map((n) => n.jobId);
}
