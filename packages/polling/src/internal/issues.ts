import type * as z from 'zod';

/** Turns zod issues into short "field: problem" lines a model can act on. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : 'input';
    return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });
}
