/** `bg_bash`: start a shell command as a background job and answer at once with its id. */
import { DuplicateJobIdError, type Executor, fenceOutput, JOB_ID_PATTERN, type Job } from '@bgtasks/core';
import { quoteInput } from '@bgtasks/core/internal';
import * as z from 'zod';
import { commandField, cwdField, readyField, readyOf } from './shell-input.ts';
import { type BgTool, defineTool } from './tool.ts';

/** Characters of the command `bg_bash` echoes back; a longer one is shown by its start and length. */
export const COMMAND_ECHO_CHARS = 200;

/** Longest `timeout_s` a background job may ask for: one day. */
export const MAX_JOB_TIMEOUT_S = 86_400;

const BgBashInput = z
  .object({
    command: commandField,
    id: z
      .string()
      .optional()
      .describe('A short id of your choice (letters, digits, ".", "_", "-"); a new one is generated if omitted or taken.'),
    cwd: cwdField,
    timeout_s: z.number().gt(0).max(MAX_JOB_TIMEOUT_S).optional().describe('Kill the job after this many seconds.'),
    ready: readyField
      .optional()
      .describe(
        'For a job that keeps running (a dev server, a watcher): when it counts as ready. You get one ' +
          '<bg_notice kind="ready"> then; the job keeps running. Exactly one of pattern, port, idle_ms.',
      ),
    progress_s: z
      .number()
      .min(0.1)
      .max(MAX_JOB_TIMEOUT_S)
      .optional()
      .describe(
        'Send a <bg_notice kind="progress"> with the new output at most this often (seconds), only when there is new output.',
      ),
    stdin: z
      .enum(['null', 'pipe'])
      .optional()
      .describe(
        '"pipe" to answer prompts with bg_write (you get <bg_notice kind="input_required">); default "null" (/dev/null).',
      ),
    log: z
      .boolean()
      .optional()
      .describe('Keep the whole output on disk so bg_output can read any offset (default: head and tail only).'),
    watch: z
      .string()
      .min(1)
      .max(1_000)
      .optional()
      .describe(
        'A regex: for as long as the job runs, send a <bg_notice kind="watch"> when output lines match it (an error, ' +
          'a test failure, "compiled"); at most one a second, with the count of matches and the last matching lines.',
      ),
    idle_s: z
      .number()
      .min(0.1)
      .max(MAX_JOB_TIMEOUT_S)
      .optional()
      .describe(
        'Send one <bg_notice kind="idle"> when the job has written nothing for this many seconds (it may hang); ' +
          'another only after it writes again and goes quiet again.',
      ),
  })
  .strict();

/** The `bg_bash` tool over `executor`. */
export function bgBashTool(executor: Executor): BgTool {
  return defineTool({
    name: 'bg_bash',
    description:
      'Start a shell command in the background and return at once with its job id. Use it for anything slow ' +
      '(installs, builds, test suites) so you can keep working while it runs.',
    schema: BgBashInput,
    async run(input) {
      let note = '';
      let id = input.id;
      if (id !== undefined && !JOB_ID_PATTERN.test(id)) {
        note = `; ${quoteInput(id)} is not a valid id (1-64 letters, digits, ".", "_" or "-"), so one was generated`;
        id = undefined;
      } else if (id !== undefined && executor.list().some((j) => j.id === id)) {
        note = `; the id ${quoteInput(id)} was already in use, so a new one was generated`;
        id = undefined;
      }
      const spec = {
        command: input.command,
        ...(id !== undefined ? { id } : {}),
        ...(input.cwd !== undefined ? { cwd: input.cwd } : {}),
        ...(input.timeout_s !== undefined ? { timeoutMs: Math.max(1, Math.round(input.timeout_s * 1000)) } : {}),
        ...(input.ready !== undefined ? { ready: readyOf(input.ready) } : {}),
        ...(input.progress_s !== undefined ? { progressMs: Math.round(input.progress_s * 1000) } : {}),
        ...(input.stdin !== undefined ? { stdin: input.stdin } : {}),
        ...(input.log !== undefined ? { log: input.log } : {}),
        ...(input.watch !== undefined ? { watch: { pattern: input.watch } } : {}),
        ...(input.idle_s !== undefined ? { idleNoticeMs: Math.max(100, Math.round(input.idle_s * 1000)) } : {}),
      };
      let job: Job;
      try {
        job = await executor.submit(spec);
      } catch (error) {
        // Taken between the check and the submit: fall back to a generated id.
        if (!DuplicateJobIdError.isInstance(error)) throw error;
        const { id: _taken, ...rest } = spec;
        job = await executor.submit(rest);
      }
      const queued = job.state === 'queued' ? ', queued until a slot is free' : '';
      // The command is the model's own: echo a bounded quote of it, never 100 000 characters back.
      const full = job.spec.command;
      const command = fenceOutput(
        full.length <= COMMAND_ECHO_CHARS ? full : `${full.slice(0, COMMAND_ECHO_CHARS)}… (${full.length} characters)`,
      );
      return { text: `started job "${job.id}" (${command})${queued}${note}`, isError: false, startedJobs: [job.id] };
    },
  });
}
