/** @module @bgtasks/agent: the agent loop over @anthropic-ai/sdk with strategies block, poll and inject, events, usage and cost. */
export { ModelRequestError } from './errors.ts';
export type { AgentEvent, AgentEventType, NoticeVia } from './events.ts';
export { type ModelPrice, PRICES, PRICES_SOURCE, priceFor } from './prices.ts';
export {
  type AgentResult,
  type AgentStopReason,
  DEFAULT_MAX_TOKENS,
  DEFAULT_MAX_TURNS,
  DEFAULT_WAKE_TIMEOUT_MS,
  type RunAgentOptions,
  runAgent,
} from './run-agent.ts';
export { STRATEGIES, type Strategy, toolsFor } from './strategy.ts';
export { addUsage, costOf, emptyUsage, type TokenUsage, type TurnUsage, usageOf } from './usage.ts';
