/**
 * The messages one AI SDK call produced (every step's), whichever major of `ai` made it: `ai` 7
 * accumulates them on the result as `responseMessages` (its `response.messages` holds only the
 * last step's), `ai` 6 on `response.messages`.
 */
import type { ModelMessage } from 'ai';

/**
 * What `history()` and `runUntilDone` take: a `generateText` result of `ai` 6 or 7, its
 * `response` under `ai` 6, or for `streamText` `{ responseMessages: await result.responseMessages }`
 * (`ai` 7) / `await result.response` (`ai` 6).
 */
export type CallMessages =
  | { readonly responseMessages: readonly ModelMessage[] }
  | { readonly messages: readonly ModelMessage[] }
  | { readonly response: { readonly messages: readonly ModelMessage[] } };

/** The call's messages: `responseMessages` first (the `ai` 7 result), then `messages`, then `response.messages`. */
export function messagesOfCall(call: CallMessages): readonly ModelMessage[] {
  const loose = call as { responseMessages?: unknown; messages?: unknown; response?: { messages?: unknown } };
  if (Array.isArray(loose.responseMessages)) return loose.responseMessages as ModelMessage[];
  if (Array.isArray(loose.messages)) return loose.messages as ModelMessage[];
  if (Array.isArray(loose.response?.messages)) return loose.response.messages as ModelMessage[];
  return [];
}
