/** `--loop own`: bgtasks' own agent loop, `runAgent` of `@bgtasks/agent`. */
import Anthropic from '@anthropic-ai/sdk';
import { runAgent } from '@bgtasks/agent';
import type { AgentLoop } from './loop.ts';

export const runOwnLoop: AgentLoop = (input) =>
  runAgent({
    client: new Anthropic(input.endpoint),
    model: input.model,
    strategy: input.strategy,
    executor: input.executor,
    prompt: input.prompt,
    ...(input.maxTurns ? { maxTurns: input.maxTurns } : {}),
    stream: input.stream,
    signal: input.signal,
    onEvent: input.onEvent,
  });
