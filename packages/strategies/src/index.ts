/** @module @bgtasks/strategies: block, poll and inject as objects every adapter drives the same way (tools, notices per request, ack/release, end of turn). */
export { blockStrategy } from './block-strategy.ts';
export { InvalidStrategyError, UnknownStrategyError } from './errors.ts';
export {
  DEFAULT_INJECT_CONSUMER,
  DEFAULT_WAKE_TIMEOUT_MS,
  type InjectStrategyOptions,
  injectStrategy,
  wakeTimeoutText,
} from './inject-strategy.ts';
export { defaultNudge, type PollStrategyOptions, pollStrategy } from './poll-strategy.ts';
export {
  type EndTurnContext,
  type EndTurnDecision,
  type NoticeBatch,
  runningJobs,
  type Strategy,
  type StrategyContext,
  type StrategyName,
  type Wake,
} from './strategy.ts';
export { STRATEGIES, type StrategyOptions, strategyFor, toolsFor } from './strategy-for.ts';
