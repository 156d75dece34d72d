/**
 * How long a response takes and what it costs in tokens. Defaults come from published
 * measurements (see the README): Claude Sonnet 4.5 on Anthropic's API, median over 14 days, as
 * measured by Artificial Analysis: 1.80 s to the first token, 63 output tokens per second.
 */

/** Timing and token parameters of the simulated model. */
export interface Pacing {
  /** Time to first token, ms. */
  ttftMs: number;
  /** Output speed once tokens flow, tokens per second. */
  outputTokensPerSecond: number;
  /** Characters per token of the size approximation (Anthropic: "about 3.5 English characters"). */
  charsPerToken: number;
  /** Tokens of the hidden tool-use system prompt added when `tools` are present (Claude 4, auto). */
  toolSystemPromptTokens: number;
  /** Shortest prefix that can be cached, tokens (Sonnet and Opus: 1024). */
  minCacheableTokens: number;
  /** Default cache lifetime, ms; refreshed on every hit. */
  cacheTtlMs: number;
  /** Tokens per streamed delta: the stream sleeps between chunks. */
  streamChunkTokens: number;
}

/** The defaults; see the README for sources. */
export const DEFAULT_PACING: Readonly<Pacing> = Object.freeze({
  ttftMs: 1_800,
  outputTokensPerSecond: 63,
  charsPerToken: 3.5,
  toolSystemPromptTokens: 346,
  minCacheableTokens: 1_024,
  cacheTtlMs: 5 * 60_000,
  streamChunkTokens: 16,
});

/** Pacing with every field set: `overrides` on top of {@link DEFAULT_PACING}. */
export function resolvePacing(overrides: Partial<Pacing> = {}): Pacing {
  return { ...DEFAULT_PACING, ...overrides };
}

/** Wall time of a response of `outputTokens`: time to first token plus generation. */
export function responseTimeMs(
  outputTokens: number,
  pacing: Pick<Pacing, 'ttftMs' | 'outputTokensPerSecond'> = DEFAULT_PACING,
): number {
  return pacing.ttftMs + (outputTokens / pacing.outputTokensPerSecond) * 1000;
}

/** Tokens of a text under the size approximation: ceil(characters / charsPerToken). */
export function estimateTokens(text: string, pacing: Pick<Pacing, 'charsPerToken'> = DEFAULT_PACING): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / pacing.charsPerToken);
}
