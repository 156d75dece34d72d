/**
 * Prices of Claude models in US dollars per million tokens, for cost accounting.
 *
 * Source: Anthropic, "Pricing" (model pricing table: base input, 5m cache writes, cache hits and
 * refreshes, output), https://platform.claude.com/docs/en/about-claude/pricing, read 2026-11-25;
 * the Claude Sonnet 4.6 row (the benchmark's model) checked again 2026-11-27: $3 input, $3.75
 * 5-minute cache write, $6 1-hour cache write, $0.30 cache hit, $15 output per million tokens.
 * Check it before relying on a cost: prices change.
 */

/** $/MTok of one model. */
export interface ModelPrice {
  /** Model id prefix this price applies to, e.g. `claude-sonnet-4-5`. */
  model: string;
  input: number;
  /** 5-minute cache writes (`cache_control: { type: 'ephemeral' }`, the default TTL). */
  cacheWrite5m: number;
  cacheRead: number;
  output: number;
}

/** Where {@link PRICES} come from, and when they were read. */
export const PRICES_SOURCE = {
  url: 'https://platform.claude.com/docs/en/about-claude/pricing',
  title: 'Anthropic: Pricing (model pricing table)',
  retrieved: '2026-11-25',
  /** The benchmark's model re-checked against the table on this date. */
  checked: {
    model: 'claude-sonnet-4-6',
    date: '2026-11-27',
    perMTok: 'input $3, 5m cache write $3.75, cache hit $0.30, output $15',
  },
} as const;

function price(model: string, input: number, cacheWrite5m: number, cacheRead: number, output: number): ModelPrice {
  return { model, input, cacheWrite5m, cacheRead, output };
}

/** Known prices; longer (more specific) prefixes first. */
export const PRICES: readonly ModelPrice[] = [
  price('claude-opus-4-8', 5, 6.25, 0.5, 25),
  price('claude-opus-4-7', 5, 6.25, 0.5, 25),
  price('claude-opus-4-6', 5, 6.25, 0.5, 25),
  price('claude-opus-4-5', 5, 6.25, 0.5, 25),
  price('claude-opus-4-1', 15, 18.75, 1.5, 75),
  price('claude-opus-4', 15, 18.75, 1.5, 75),
  price('claude-sonnet-4-6', 3, 3.75, 0.3, 15),
  price('claude-sonnet-4-5', 3, 3.75, 0.3, 15),
  price('claude-sonnet-4', 3, 3.75, 0.3, 15),
  price('claude-3-7-sonnet', 3, 3.75, 0.3, 15),
  price('claude-haiku-4-5', 1, 1.25, 0.1, 5),
  price('claude-3-5-haiku', 0.8, 1, 0.08, 4),
  price('claude-3-haiku', 0.25, 0.3, 0.03, 1.25),
];

/** The price of `model` (matched by id prefix), or undefined when the table does not know it. */
export function priceFor(model: string, table: readonly ModelPrice[] = PRICES): ModelPrice | undefined {
  let best: ModelPrice | undefined;
  for (const p of table) {
    if ((model === p.model || model.startsWith(`${p.model}-`)) && (!best || p.model.length > best.model.length)) best = p;
  }
  return best;
}
