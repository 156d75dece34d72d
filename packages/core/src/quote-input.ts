/**
 * Quotes a value taken from outside (a model's tool input, a spec) for an error message. A long
 * value is shown by its start and length: an error must never hand a 10 MB input back whole.
 */

/** Characters of a quoted value shown before it is cut. */
export const QUOTE_MAX_CHARS = 80;

/**
 * `"value"`, or `"start…" (N characters)` when longer than `maxChars`.
 * @example
 * quoteInput('a'.repeat(1_000_000)); // '"aaaa…aaa…" (1000000 characters)'
 */
export function quoteInput(value: string, maxChars = QUOTE_MAX_CHARS): string {
  if (value.length <= maxChars) return `"${value}"`;
  return `"${value.slice(0, maxChars)}…" (${value.length} characters)`;
}
