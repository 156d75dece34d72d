/** @module @bgtasks/sim-model: a simulated Claude that speaks the Messages API, driven by scenarios. */
export { BUILTIN_SCENARIO_NAMES, type BuiltinScenarioName, builtinScenario } from './builtin-scenarios.ts';
export { type ApiErrorType, InvalidScenarioError, type ScenarioIssue, SimApiError, SimServeError } from './errors.ts';
export type { SimContentBlock, SimMessage, SimUsage } from './message.ts';
export { DEFAULT_PACING, estimateTokens, type Pacing, resolvePacing, responseTimeMs } from './pacing.ts';
export type { PlannedCall, PlannedTurn, TurnKind } from './policy.ts';
export { type CacheUsage, PromptCache } from './prompt-cache.ts';
export { type MessagesRequest, MessagesRequestSchema, parseMessagesRequest } from './request.ts';
export {
  POLL_POLICIES,
  type PollPolicy,
  parseScenario,
  type Scenario,
  type ScenarioInput,
  type ScenarioJob,
  ScenarioSchema,
  type ThinkStep,
} from './scenario.ts';
export {
  MAX_SCENARIO_ALIASES,
  MAX_SCENARIO_CHARS,
  type ParseScenarioTextOptions,
  parseScenarioText,
} from './scenario-file.ts';
export {
  createSimModel,
  DEFAULT_MAX_BODY_BYTES,
  LOOPBACK_HOSTS,
  type SimClock,
  type SimExchange,
  type SimModel,
  type SimModelOptions,
  type SimServeOptions,
} from './sim-model.ts';
export { jobCommand, type TaskGraph, type TaskGraphJob, type TaskGraphThink, taskGraph } from './task-graph.ts';
export { scaledPacing, scaledPolicy } from './time-scale.ts';
