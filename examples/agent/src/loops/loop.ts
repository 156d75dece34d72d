/** What every loop of the CLI (`--loop`) takes and gives back, so the summary is the same whichever ran. */
import type { AgentEvent, AgentResult } from '@bgtasks/agent';
import type { Executor } from '@bgtasks/core';
import type { StrategyName } from '@bgtasks/strategies';

/** Where the model is: what `new Anthropic(...)` (or another framework's provider) needs. */
export interface ModelEndpoint {
  apiKey: string;
  /** The API's base URL; the default API when absent. */
  baseURL?: string;
  /** The simulated model's in-process fetch; the network when absent. */
  fetch?: typeof fetch;
  maxRetries: number;
}

/** One run of the agent, whichever loop drives it. */
export interface LoopInput {
  endpoint: ModelEndpoint;
  model: string;
  strategy: StrategyName;
  executor: Executor;
  prompt: string;
  maxTurns?: number;
  stream: boolean;
  signal: AbortSignal;
  /** The same events `runAgent` emits, for the live view, the transcript and the summary. */
  onEvent: (event: AgentEvent) => void;
}

/** A loop: runs the agent and resolves with the same result `runAgent` gives. */
export type AgentLoop = (input: LoopInput) => Promise<AgentResult>;
