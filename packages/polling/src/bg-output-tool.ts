/** `bg_output`: read a job's output by absolute byte offset, saying where bytes were dropped. */
import { type Executor, fenceOutput } from '@bgtasks/core';
import * as z from 'zod';
import { type BgTool, defineTool } from './tool.ts';

/** Most bytes one `bg_output` call returns. */
export const MAX_OUTPUT_LIMIT = 65_536;

const BgOutputInput = z
  .object({
    id: z.string().describe('Job id.'),
    offset: z.number().int().min(0).optional().describe('Byte offset to read from; default 0.'),
    limit: z.number().int().min(1).max(MAX_OUTPUT_LIMIT).optional().describe('Most bytes to return; default 16384.'),
  })
  .strict();

/** The `bg_output` tool over `executor`. */
export function bgOutputTool(executor: Executor): BgTool {
  return defineTool({
    name: 'bg_output',
    description:
      "Read a background job's output (stdout and stderr interleaved) from a byte offset. The first line says " +
      'which bytes you got, whether some were dropped (only the head and tail of long output are kept, unless the job was started with log: true) and the offset to read next.',
    schema: BgOutputInput,
    run(input) {
      const job = executor.get(input.id);
      const slice = executor.output(job.id, {
        ...(input.offset !== undefined ? { offset: input.offset } : {}),
        ...(input.limit !== undefined ? { limit: input.limit } : {}),
      });
      const facts = [
        `job "${job.id}" (${job.state}) output bytes ${slice.offset}-${slice.offset + slice.byteLength} of ${slice.totalBytes}`,
      ];
      if (slice.gap) facts.push(`bytes ${slice.gap.start}-${slice.gap.end} were dropped and cannot be read`);
      facts.push(slice.eof ? 'end of output so far' : `more: call bg_output with offset ${slice.nextOffset}`);
      return { text: `${facts.join('; ')}\n${fenceOutput(slice.text)}`, isError: false };
    },
  });
}
