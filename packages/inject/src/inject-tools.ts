/** The tool set of the `inject` strategy: no `check_bg` or `bg_wait`, since notices come by themselves. */
import type { Executor } from '@bgtasks/core';
import { bgBashTool, bgKillTool, bgOutputTool, bgWriteTool, createToolSet, type ToolSet } from '@bgtasks/polling';

/**
 * `bg_bash`, `bg_output`, `bg_kill`, `bg_write`.
 * @example
 * const tools = injectTools(executor);
 * await tools.handle('bg_bash', { command: 'npm test', id: 'tests' }, signal);
 */
export function injectTools(executor: Executor): ToolSet {
  return createToolSet([bgBashTool(executor), bgOutputTool(executor), bgKillTool(executor), bgWriteTool(executor)]);
}
