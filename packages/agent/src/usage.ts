/** Token usage per turn and in total, and its cost. */
import type { Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ModelPrice } from './prices.ts';

/** Tokens of one request (or a sum), by kind. */
export interface TokenUsage {
  /** Input tokens after the last cache breakpoint (full price). */
  input: number;
  /** Input tokens written to the cache (5-minute TTL). */
  cacheCreation: number;
  /** Input tokens read from the cache. */
  cacheRead: number;
  output: number;
}

/** Usage of one turn (one model request) and what it cost. */
export interface TurnUsage extends TokenUsage {
  turn: number;
  /** US dollars; null when the model is not in the price table. */
  costUsd: number | null;
}

/** Zero of every kind. */
export function emptyUsage(): TokenUsage {
  return { input: 0, cacheCreation: 0, cacheRead: 0, output: 0 };
}

/** Reads the API's `usage` object. */
export function usageOf(usage: Usage): TokenUsage {
  return {
    input: usage.input_tokens,
    cacheCreation: usage.cache_creation_input_tokens ?? 0,
    cacheRead: usage.cache_read_input_tokens ?? 0,
    output: usage.output_tokens,
  };
}

/** Sum of usages. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    cacheCreation: a.cacheCreation + b.cacheCreation,
    cacheRead: a.cacheRead + b.cacheRead,
    output: a.output + b.output,
  };
}

/** Cost in US dollars of `usage` at `price`; null without a price. */
export function costOf(usage: TokenUsage, price: ModelPrice | undefined): number | null {
  if (!price) return null;
  const perToken =
    usage.input * price.input +
    usage.cacheCreation * price.cacheWrite5m +
    usage.cacheRead * price.cacheRead +
    usage.output * price.output;
  return perToken / 1_000_000;
}
