/** @module @bgtasks/ai-sdk: bgtasks for the Vercel AI SDK: tools as `tool()`s, notices through `prepareStep`, and the wake-up. */
export { aiSdkTool, aiSdkTools, type BgAiTool, type BgToolsOptions, bgTools, type StrategyName } from './bg-tools.ts';
export { NoticeHistoryError, UnknownStrategyError } from './errors.ts';
export { type NoticePlacement, type PlacedNotices, placeNotices } from './place-notices.ts';
export { type RunUntilDoneOptions, type RunUntilDoneResult, runUntilDone } from './run-until-done.ts';
export {
  type BgNotices,
  DEFAULT_WAKE_TIMEOUT_MS,
  type NoticeDelivery,
  type NoticeWaitOptions,
  type PrepareStepInput,
  type WaitReason,
  type WithNoticesOptions,
  withNotices,
} from './with-notices.ts';
