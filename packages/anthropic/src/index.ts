/** @module @bgtasks/anthropic: bgtasks in the Anthropic SDK's tool runner: bgTools (BetaRunnableTools from the descriptors) and withNotices (notices the inject way, wake-ups). */
export {
  type BgRunnableTool,
  type BgToolsOptions,
  bgTools,
  type RunnableToolOptions,
  runnableTool,
  type ToolCall,
} from './bg-tools.ts';
export { type Delivery, NoticeRunner, type RunnerItem, type WithNoticesOptions, withNotices } from './with-notices.ts';
