/** Input fields shared by the tools that run a shell command (`bash`, `bg_bash`). */
import { MAX_COMMAND_LENGTH } from '@bgtasks/core';
import * as z from 'zod';
import { MAX_CWD_LENGTH } from './tool.ts';

/** `command`: a non-empty shell command of bounded length. */
export const commandField = z
  .string()
  .max(MAX_COMMAND_LENGTH)
  .refine((s) => s.trim().length > 0, 'must not be empty')
  .describe('Shell command, run as `sh -c command` with stdin from /dev/null (unless stdin is "pipe").');

/** `cwd`: the working directory (confined by the executor's `cwdRoot` when it has one). */
export const cwdField = z.string().min(1).max(MAX_CWD_LENGTH).optional().describe('Working directory.');

/**
 * `ready` / `until`: one readiness condition, as the model writes it (`idle_ms` in snake case like
 * every tool field).
 */
export const readyField = z
  .object({
    pattern: z
      .string()
      .min(1)
      .max(1_000)
      .optional()
      .describe('A regex (RE2 syntax: no backreferences or lookaround) matched against each output line.'),
    port: z.number().int().min(1).max(65_535).optional().describe('A TCP port a process of this job listens on.'),
    idle_ms: z.number().int().positive().max(3_600_000).optional().describe('No output for this many milliseconds.'),
  })
  .strict()
  .refine((r) => [r.pattern, r.port, r.idle_ms].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of pattern, port, idle_ms',
  });

/** A readiness condition as the model wrote it. */
export type ReadyInput = z.output<typeof readyField>;

/** The executor's form of a readiness condition. */
export function readyOf(input: ReadyInput): { pattern: string } | { port: number } | { idleMs: number } {
  if (input.pattern !== undefined) return { pattern: input.pattern };
  if (input.port !== undefined) return { port: input.port };
  return { idleMs: input.idle_ms ?? 0 };
}
