/** The tool sets of the `poll` and `block` strategies. */
import type { Executor } from '@bgtasks/core';
import { bashTool } from './bash-tool.ts';
import { bgBashTool } from './bg-bash-tool.ts';
import { bgKillTool } from './bg-kill-tool.ts';
import { bgOutputTool } from './bg-output-tool.ts';
import { bgWaitTool } from './bg-wait-tool.ts';
import { bgWriteTool } from './bg-write-tool.ts';
import { checkBgTool } from './check-bg-tool.ts';
import { createToolSet, type ToolSet } from './tool-set.ts';

/**
 * The `poll` strategy: `bg_bash`, `check_bg`, `bg_wait`, `bg_output`, `bg_kill`, `bg_write` (no `bash`).
 * @example
 * const tools = pollingTools(executor);
 * const outcome = await tools.handle('bg_bash', { command: 'npm test' }, signal);
 */
export function pollingTools(executor: Executor): ToolSet {
  return createToolSet([
    bgBashTool(executor),
    checkBgTool(executor),
    bgWaitTool(executor),
    bgOutputTool(executor),
    bgKillTool(executor),
    bgWriteTool(executor),
  ]);
}

/** The `block` strategy: only the foreground `bash`. */
export function blockTools(executor: Executor): ToolSet {
  return createToolSet([bashTool(executor)]);
}
