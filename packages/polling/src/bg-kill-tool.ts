/** `bg_kill`: stop a job (SIGTERM to its process group, then SIGKILL after a grace period). */
import { type Executor, isFinalState } from '@bgtasks/core';
import * as z from 'zod';
import { jobLine } from './job-text.ts';
import { type BgTool, defineTool } from './tool.ts';

const BgKillInput = z.object({ id: z.string().describe('Job id.') }).strict();

/** The `bg_kill` tool over `executor`. */
export function bgKillTool(executor: Executor): BgTool {
  return defineTool({
    name: 'bg_kill',
    description: 'Kill a background job and everything it started; answers once it has ended.',
    schema: BgKillInput,
    async run(input) {
      const before = executor.get(input.id);
      if (isFinalState(before.state)) {
        return {
          text: `job had already ended: ${jobLine(before, executor.runtime.now())}`,
          isError: false,
          endedJobs: [before.id],
        };
      }
      const job = await executor.kill(before.id);
      return { text: `killed: ${jobLine(job, executor.runtime.now())}`, isError: false, endedJobs: [job.id] };
    },
  });
}
