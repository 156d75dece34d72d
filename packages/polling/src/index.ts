/** @module @bgtasks/polling: the poll strategy's Anthropic tools (bg_bash, check_bg, bg_wait, bg_output, bg_kill, bg_write) and the foreground bash. */
export { bashTool, DEFAULT_BASH_TIMEOUT_S, MAX_BASH_TIMEOUT_S } from './bash-tool.ts';
export { bgBashTool, COMMAND_ECHO_CHARS, MAX_JOB_TIMEOUT_S } from './bg-bash-tool.ts';
export { bgKillTool } from './bg-kill-tool.ts';
export { bgOutputTool, MAX_OUTPUT_LIMIT } from './bg-output-tool.ts';
export { bgWaitTool, MAX_WAIT_S } from './bg-wait-tool.ts';
export { bgWriteTool, MAX_WRITE_CHARS } from './bg-write-tool.ts';
export { checkBgTool } from './check-bg-tool.ts';
export { ToolInputError, UnknownToolError } from './errors.ts';
export {
  type BgTool,
  defineTool,
  inputSchemaOf,
  MAX_CWD_LENGTH,
  type ToolDescriptor,
  type ToolOutcome,
  type ToolSpec,
} from './tool.ts';
export { createToolSet, type ToolSet } from './tool-set.ts';
export { blockTools, pollingTools } from './tool-sets.ts';
