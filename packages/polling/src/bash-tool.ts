/** `bash`: run a command in the foreground and answer when it has ended (the `block` baseline). */
import { AbortedError, type Executor, formatNotice } from '@bgtasks/core';
import * as z from 'zod';
import { noticeOf } from './job-text.ts';
import { commandField, cwdField } from './shell-input.ts';
import { type BgTool, defineTool } from './tool.ts';

/** Longest foreground command, in seconds: one hour. */
export const MAX_BASH_TIMEOUT_S = 3_600;
/** Timeout of a foreground command that names none: ten minutes. */
export const DEFAULT_BASH_TIMEOUT_S = 600;

const BashInput = z
  .object({
    command: commandField,
    cwd: cwdField,
    timeout_s: z
      .number()
      .gt(0)
      .max(MAX_BASH_TIMEOUT_S)
      .optional()
      .describe(`Kill the command after this many seconds; default ${DEFAULT_BASH_TIMEOUT_S}.`),
  })
  .strict();

/**
 * The `bash` tool over `executor`: the command runs as a job (so it gets the same process-group
 * handling, timeout and bounded output) and the call waits for it. The answer is the job's
 * `<bg_notice>` block: state, exit code, duration and the last lines of output.
 */
export function bashTool(executor: Executor): BgTool {
  return defineTool({
    name: 'bash',
    description: 'Run a shell command and wait for it to finish; answers with its exit code and the last lines of output.',
    schema: BashInput,
    async run(input, signal) {
      const timeoutMs = Math.max(1, Math.round((input.timeout_s ?? DEFAULT_BASH_TIMEOUT_S) * 1000));
      const job = await executor.submit({
        command: input.command,
        timeoutMs,
        ...(input.cwd !== undefined ? { cwd: input.cwd } : {}),
      });
      try {
        await executor.wait([job.id], { mode: 'all', signal });
      } catch (error) {
        if (AbortedError.isInstance(error)) await executor.kill(job.id);
        throw error;
      }
      const notice = noticeOf(executor, job.id);
      const text = notice ? formatNotice(notice) : `job "${job.id}" ended without a notice`;
      return { text, isError: false, startedJobs: [job.id], endedJobs: notice ? [job.id] : [] };
    },
  });
}
