/** Input fields shared by the tools that run a shell command (`bash`, `bg_bash`). */
import { MAX_COMMAND_LENGTH } from '@bgtasks/core';
import * as z from 'zod';
import { MAX_CWD_LENGTH } from './tool.ts';

/** `command`: a non-empty shell command of bounded length. */
export const commandField = z
  .string()
  .max(MAX_COMMAND_LENGTH)
  .refine((s) => s.trim().length > 0, 'must not be empty')
  .describe('Shell command, run as `sh -c command` with stdin from /dev/null.');

/** `cwd`: the working directory (confined by the executor's `cwdRoot` when it has one). */
export const cwdField = z.string().min(1).max(MAX_CWD_LENGTH).optional().describe('Working directory.');
