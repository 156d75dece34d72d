/** @module @bgtasks/agent/testing: a scripted Messages API `fetch` for testing agents without the network. */

export { noticeIdsIn, textsIn } from './notice-ids.ts';
export {
  assistantMessage,
  createScriptedFetch,
  type ErrorReply,
  messageEvents,
  type RecordedRequest,
  type Responder,
  type ScriptedFetch,
  type ScriptedUsage,
  type ScriptReply,
  textBlock,
  toolUseBlock,
} from './scripted-fetch.ts';
export { type TwoJobScenarioOptions, twoJobScenario } from './two-job-scenario.ts';
