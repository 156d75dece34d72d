/** `bg_write`: send text to the stdin of a job started with `stdin: "pipe"`, or close it. */
import type { Executor } from '@bgtasks/core';
import * as z from 'zod';
import { type BgTool, defineTool } from './tool.ts';

/** Most characters one `bg_write` sends. */
export const MAX_WRITE_CHARS = 65_536;

const BgWriteInput = z
  .object({
    id: z.string().describe('Job id (started with stdin: "pipe").'),
    text: z.string().max(MAX_WRITE_CHARS).optional().describe('Text to send, as typed: end it with "\\n" to press Enter.'),
    close: z.boolean().optional().describe('Then close stdin (the job reads end-of-file).'),
  })
  .strict()
  .refine((i) => i.text !== undefined || i.close === true, { message: 'give text, close: true, or both' });

/** The `bg_write` tool over `executor`. */
export function bgWriteTool(executor: Executor): BgTool {
  return defineTool({
    name: 'bg_write',
    description:
      'Send text to the stdin of a background job started with stdin: "pipe", e.g. the answer to a prompt ' +
      '(<bg_notice kind="input_required">); close: true ends its input.',
    schema: BgWriteInput,
    async run(input) {
      const job = executor.get(input.id);
      const done: string[] = [];
      if (input.text !== undefined && input.text.length > 0) {
        await executor.write(job.id, input.text);
        done.push(`wrote ${new TextEncoder().encode(input.text).length} bytes to the stdin of job "${job.id}"`);
      }
      if (input.close) {
        await executor.closeStdin(job.id);
        done.push(`closed the stdin of job "${job.id}"`);
      }
      return { text: done.join('; ') || 'nothing to write', isError: false };
    },
  });
}
