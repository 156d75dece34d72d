/** @module @bgtasks/ai-sdk: bgtasks for the Vercel AI SDK: tools as `tool()`s, notices through `prepareStep`, and the wake-up. */
export { aiSdkTool, aiSdkTools, type BgAiTool, type BgToolsOptions, bgTools } from './bg-tools.ts';
export type { CallMessages } from './call-messages.ts';
export { NoticeHistoryError } from './errors.ts';
export { type NoticePlacement, type PlacedNotices, placeNotices } from './place-notices.ts';
export { type RunUntilDoneOptions, type RunUntilDoneResult, runUntilDone } from './run-until-done.ts';
export {
  type BgNotices,
  type EndTurnOptions,
  type NoticeDelivery,
  type PrepareStepInput,
  type WithNoticesOptions,
  withNotices,
} from './with-notices.ts';
