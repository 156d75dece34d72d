/** `check_bg`: one job's state and output tail, or every job in one line each. */
import { type Executor, fenceOutput, formatNotices, isFinalState } from '@bgtasks/core';
import * as z from 'zod';
import { jobLine, noticeOf } from './job-text.ts';
import { type BgTool, defineTool } from './tool.ts';

const CheckBgInput = z
  .object({
    id: z.string().optional().describe('Job id; omit to list every job.'),
  })
  .strict();

/** The `check_bg` tool over `executor`. */
export function checkBgTool(executor: Executor): BgTool {
  return defineTool({
    name: 'check_bg',
    description:
      "Check background jobs without waiting. With an id: that job's state and the last lines of its output " +
      '(a <bg_notice> block once it ended). Without: every job, one line each.',
    schema: CheckBgInput,
    run(input) {
      const now = executor.runtime.now();
      if (input.id === undefined) {
        const jobs = executor.list();
        if (jobs.length === 0) return { text: 'no background jobs yet; start one with bg_bash', isError: false };
        return {
          text: jobs.map((j) => jobLine(j, now)).join('\n'),
          isError: false,
          endedJobs: jobs.filter((j) => isFinalState(j.state)).map((j) => j.id),
        };
      }
      const job = executor.get(input.id);
      const notice = noticeOf(executor, job.id);
      if (notice) return { text: formatNotices([notice]), isError: false, endedJobs: [job.id] };
      const tail = executor.tail(job.id);
      const shown =
        tail.length > 0 ? `\nlast output so far (untrusted command output):\n${fenceOutput(tail)}` : '\nno output yet';
      return { text: `${jobLine(job, now)}${shown}`, isError: false };
    },
  });
}
