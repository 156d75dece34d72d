/** `bg_wait`: block until one (`any`) or all (`all`) of some jobs end, or a timeout passes. */
import { type Executor, fenceOutput, formatNotices, type Notice } from '@bgtasks/core';
import * as z from 'zod';
import { liveJobIds, noticeOf } from './job-text.ts';
import { readyField, readyOf } from './shell-input.ts';
import { type BgTool, defineTool } from './tool.ts';

/** Longest `bg_wait` in seconds: one hour. */
export const MAX_WAIT_S = 3_600;

const BgWaitInput = z
  .object({
    ids: z.array(z.string()).optional().describe('Jobs to wait for; omit to wait for every job still running.'),
    mode: z.enum(['any', 'all']).default('all').describe('"any": return when the first ends; "all": when all have.'),
    timeout_s: z.number().gt(0).max(MAX_WAIT_S).describe('Give up after this many seconds and report what still runs.'),
    until: readyField
      .optional()
      .describe(
        'Instead of waiting for the end, wait until ONE job (ids: [that id]) is ready: an output line matches ' +
          'pattern, a process of the job listens on port, or no output for idle_ms. Answers early if the job ends first.',
      ),
  })
  .strict();

/** The `bg_wait` tool over `executor`. */
export function bgWaitTool(executor: Executor): BgTool {
  return defineTool({
    name: 'bg_wait',
    description:
      'Wait until background jobs end (mode "any": the first of them; "all": every one), at most timeout_s seconds. ' +
      'Answers with a <bg_notice> block for each ended job and the ids still running. With until, wait instead ' +
      'until one job is ready (a server listening) rather than ended.',
    schema: BgWaitInput,
    async run(input, signal) {
      if (input.until !== undefined) {
        const [id, ...more] = input.ids ?? [];
        if (id === undefined || more.length > 0) {
          return { text: 'until needs exactly one job: pass ids: ["<job id>"]', isError: true };
        }
        const result = await executor.waitFor(id, { ...readyOf(input.until), timeoutMs: input.timeout_s * 1000, signal });
        if (result.met === 'exit') {
          const notice = noticeOf(executor, id);
          const text = `job "${id}" ended (${result.job.state}) before it was ready`;
          return { text: notice ? `${text}\n${formatNotices([notice])}` : text, isError: false, endedJobs: notice ? [id] : [] };
        }
        if (result.met === 'timeout') {
          return { text: `timed out after ${input.timeout_s} s; job "${id}" is ${result.job.state}, not ready`, isError: false };
        }
        const what =
          result.met === 'pattern'
            ? `a line matched: ${fenceOutput(result.match ?? '')}`
            : result.met === 'port'
              ? result.portOwner === 'unknown'
                ? `port ${input.until.port} accepts connections (whether this job listens there could not be checked here)`
                : `a process of this job listens on port ${input.until.port}`
              : `no output for ${input.until.idle_ms} ms`;
        return { text: `job "${id}" is ready (${result.met}); it keeps running; ${what}`, isError: false };
      }
      const live = liveJobIds(executor);
      const ids = input.ids ?? live;
      if (ids.length === 0) {
        // An empty list is not "nothing runs": say what does, so the model can wait for it.
        const text =
          live.length === 0
            ? 'no background job is running; nothing to wait for'
            : `ids is empty, so there was nothing to wait for; still running: ${live.join(', ')} (omit ids to wait for every running job)`;
        return { text, isError: false };
      }
      const result = await executor.wait(ids, { mode: input.mode, timeoutMs: input.timeout_s * 1000, signal });
      const notices = result.ended.map((j) => noticeOf(executor, j.id)).filter((n): n is Notice => n !== undefined);
      const parts: string[] = [];
      if (notices.length > 0) parts.push(formatNotices(notices));
      if (result.pending.length > 0) {
        const why = result.timedOut ? `timed out after ${input.timeout_s} s; ` : '';
        parts.push(`${why}still running: ${result.pending.join(', ')}`);
      }
      return { text: parts.join('\n'), isError: false, endedJobs: notices.map((n) => n.jobId) };
    },
  });
}
