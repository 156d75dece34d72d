/**
 * Prompt caching as the Messages API bills it. A request is a sequence of blocks (tools, then
 * system, then message content); a `cache_control` breakpoint writes the prefix that ends there.
 * A later request reads the longest prefix still cached (written or read within the TTL, which a
 * hit refreshes), writes from there up to its last breakpoint, and pays full price for the rest.
 */

/** One block of a request in cache order, with its size and the hash of the prefix ending here. */
export interface PrefixBlock {
  tokens: number;
  prefixHash: string;
  /** Set on blocks with `cache_control`: the TTL in ms. */
  breakpointTtlMs?: number;
}

/** Input token usage of one request. */
export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  ephemeral_5m_input_tokens: number;
  ephemeral_1h_input_tokens: number;
}

/** A prompt cache keyed by prefix hash, on the clock it is given. */
export class PromptCache {
  readonly #expiresAt = new Map<string, { at: number; ttlMs: number }>();
  readonly #minTokens: number;
  readonly #defaultTtlMs: number;

  /**
   * @param options.cacheTtlMs the default (5-minute) TTL on this cache's clock; a breakpoint with
   * a longer TTL is billed as a 1-hour write. Default 5 minutes.
   */
  constructor(options: { minCacheableTokens: number; cacheTtlMs?: number }) {
    this.#minTokens = options.minCacheableTokens;
    this.#defaultTtlMs = options.cacheTtlMs ?? 5 * 60_000;
  }

  /** Number of live entries at `now`. */
  size(now: number): number {
    let n = 0;
    for (const e of this.#expiresAt.values()) if (e.at > now) n++;
    return n;
  }

  /** Accounts one request at time `now` and updates the cache (`write: false` to only look). */
  account(blocks: readonly PrefixBlock[], now: number, write = true): CacheUsage {
    const total = blocks.reduce((s, b) => s + b.tokens, 0);
    const cumulative: number[] = [];
    let sum = 0;
    for (const b of blocks) cumulative.push((sum += b.tokens));
    let last = -1;
    blocks.forEach((b, i) => {
      if (b.breakpointTtlMs !== undefined && (cumulative[i] ?? 0) >= this.#minTokens) last = i;
    });
    const usage: CacheUsage = {
      input_tokens: total,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ephemeral_5m_input_tokens: 0,
      ephemeral_1h_input_tokens: 0,
    };
    if (last < 0) return usage;
    let hit = -1;
    for (let i = last; i >= 0; i--) {
      const entry = this.#expiresAt.get(blocks[i]?.prefixHash ?? '');
      if (entry && entry.at > now) {
        hit = i;
        if (write) entry.at = now + entry.ttlMs;
        break;
      }
    }
    const read = hit >= 0 ? (cumulative[hit] ?? 0) : 0;
    const upTo = cumulative[last] ?? 0;
    const ttlMs = blocks[last]?.breakpointTtlMs ?? 0;
    usage.cache_read_input_tokens = read;
    usage.cache_creation_input_tokens = upTo - read;
    if (ttlMs > this.#defaultTtlMs) usage.ephemeral_1h_input_tokens = upTo - read;
    else usage.ephemeral_5m_input_tokens = upTo - read;
    usage.input_tokens = total - upTo;
    if (write) {
      blocks.forEach((b, i) => {
        if (i > hit && i <= last && b.breakpointTtlMs !== undefined && (cumulative[i] ?? 0) >= this.#minTokens) {
          this.#expiresAt.set(b.prefixHash, { at: now + b.breakpointTtlMs, ttlMs: b.breakpointTtlMs });
        }
      });
    }
    return usage;
  }
}
