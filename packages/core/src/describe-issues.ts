import type * as z from 'zod';

/** Most problems listed in one message; the rest are counted. */
const MAX_ISSUES = 5;
/** Longest line about one problem (an "Unrecognized keys" line can list a thousand keys). */
const MAX_ISSUE_CHARS = 300;

/**
 * Turns zod issues into short "field: problem" lines a caller (or a model) can act on, bounded
 * in number and length so hostile input cannot blow up an error message.
 */
export function describeIssues(error: z.ZodError): string[] {
  const lines = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : 'input';
    const line = `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
    return line.length > MAX_ISSUE_CHARS ? `${line.slice(0, MAX_ISSUE_CHARS)}…` : line;
  });
  const more = error.issues.length - MAX_ISSUES;
  if (more > 0) lines.push(`and ${more} more problems`);
  return lines;
}
