/** @module @bgtasks/agent: the agent loop over @anthropic-ai/sdk with any strategy (block, poll, inject or your own), events, usage and cost. */

// The strategies, re-exported so existing imports from @bgtasks/agent keep working.
export {
  blockStrategy,
  DEFAULT_WAKE_TIMEOUT_MS,
  injectStrategy,
  pollStrategy,
  STRATEGIES,
  type Strategy,
  type StrategyName,
  strategyFor,
  toolsFor,
} from '@bgtasks/strategies';
export { ModelRequestError } from './errors.ts';
export type { AgentEvent, AgentEventType, NoticeVia } from './events.ts';
export { newJobsOf, watchJobs } from './job-events.ts';
export { type ModelPrice, PRICES, PRICES_SOURCE, priceFor } from './prices.ts';
export {
  type AgentLoopOptions,
  DEFAULT_MAX_TOKENS,
  DEFAULT_MAX_TURNS,
  type RunAgentOptions,
  runAgent,
} from './run-agent.ts';
export { type AgentResult, type AgentStopReason, RunRecorder } from './run-recorder.ts';
export { addUsage, costOf, emptyUsage, type TokenUsage, type TurnUsage, usageOf } from './usage.ts';
