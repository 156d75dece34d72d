/**
 * Input token counts of a request, under a stated approximation: every block costs
 * ceil(characters of its text or JSON / charsPerToken); each message adds 3 tokens for its role
 * markers; the tools add the hidden tool-use system prompt once. The blocks come out in the
 * order the API caches them (tools, system, messages), each with the hash of the prefix ending
 * at it, for {@link PromptCache}.
 */
import { hash32 } from './internal/hash.ts';
import { estimateTokens, type Pacing } from './pacing.ts';
import type { PrefixBlock } from './prompt-cache.ts';
import { blocksOf, type MessagesRequest, type RequestBlock } from './request.ts';

const MESSAGE_OVERHEAD_TOKENS = 3;
/** A flat size for images and documents, whose content the simulated model does not read. */
const ATTACHMENT_TOKENS = 1_000;

/** One hour over five minutes: the `1h` TTL as a multiple of the default one. */
const ONE_HOUR_OVER_DEFAULT = 12;

/**
 * The TTL of a block's breakpoint on the sim's clock: the pacing's `cacheTtlMs` (5 minutes, or
 * 5 minutes x scale on a scaled clock) or 12 times that for `ttl: '1h'`.
 */
function ttlOf(value: unknown, pacing: Pick<Pacing, 'cacheTtlMs'>): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const cc = (value as { cache_control?: { ttl?: string } | null }).cache_control;
  if (!cc) return undefined;
  return cc.ttl === '1h' ? ONE_HOUR_OVER_DEFAULT * pacing.cacheTtlMs : pacing.cacheTtlMs;
}

function withoutCacheControl(value: object): object {
  const { cache_control: _, ...rest } = value as { cache_control?: unknown };
  return rest;
}

function blockText(block: RequestBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'tool_use':
      return `${block.name} ${JSON.stringify(block.input)}`;
    case 'tool_result':
      if (block.content === undefined) return '';
      if (typeof block.content === 'string') return block.content;
      return block.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    case 'thinking':
      return block.thinking;
    default:
      return '';
  }
}

function blockTokens(block: RequestBlock, pacing: Pick<Pacing, 'charsPerToken'>): number {
  const attachments =
    block.type === 'image' || block.type === 'document'
      ? 1
      : block.type === 'tool_result' && Array.isArray(block.content)
        ? block.content.filter((c) => c.type === 'image' || c.type === 'document').length
        : 0;
  return estimateTokens(blockText(block), pacing) + attachments * ATTACHMENT_TOKENS;
}

/**
 * Prefix hashes already computed: (hash of the prefix before a block, the block's key) -> hash
 * of the prefix ending at the block. A conversation resends every earlier block on each request,
 * so with a memo each request hashes only its new blocks; without one, a long system prompt
 * is hashed again on every request.
 */
export type PrefixMemo = Map<string, string>;

/** Entries a {@link PrefixMemo} may hold before it is cleared (bounds a long-lived server's memory). */
const PREFIX_MEMO_MAX_ENTRIES = 50_000;

/** The request as cacheable blocks, in cache order; `memo` (kept across requests) skips repeated hashing. */
export function requestPrefixBlocks(request: MessagesRequest, pacing: Pacing, memo?: PrefixMemo): PrefixBlock[] {
  const out: PrefixBlock[] = [];
  let prefix = `${request.model}`;
  if (memo && memo.size > PREFIX_MEMO_MAX_ENTRIES) memo.clear();
  const push = (tokens: number, identity: object, ttl: number | undefined): void => {
    const key = JSON.stringify(withoutCacheControl(identity));
    const memoKey = memo ? `${prefix}\u0000${key}` : '';
    const known = memo?.get(memoKey);
    if (known !== undefined) prefix = known;
    else {
      prefix = `${hash32(prefix + key, 1).toString(36)}${hash32(key + prefix, 2).toString(36)}`;
      memo?.set(memoKey, prefix);
    }
    out.push(ttl === undefined ? { tokens, prefixHash: prefix } : { tokens, prefixHash: prefix, breakpointTtlMs: ttl });
  };
  (request.tools ?? []).forEach((tool, i) => {
    const extra = i === 0 ? pacing.toolSystemPromptTokens : 0;
    push(estimateTokens(JSON.stringify(withoutCacheControl(tool)), pacing) + extra, tool, ttlOf(tool, pacing));
  });
  if (typeof request.system === 'string') push(estimateTokens(request.system, pacing), { system: request.system }, undefined);
  else for (const block of request.system ?? []) push(estimateTokens(block.text, pacing), block, ttlOf(block, pacing));
  request.messages.forEach((message, m) => {
    // A string is one text block to the API: the same prefix, whichever form a client sends.
    const blocks = blocksOf(message);
    blocks.forEach((block, k) => {
      const overhead = k === 0 ? MESSAGE_OVERHEAD_TOKENS : 0;
      push(
        overhead + blockTokens(block, pacing),
        { m, k, role: message.role, block: withoutCacheControl(block) },
        ttlOf(block, pacing),
      );
    });
  });
  return out;
}

/** Total input tokens of a request (what `count_tokens` answers). */
export function countInputTokens(request: MessagesRequest, pacing: Pacing): number {
  return requestPrefixBlocks(request, pacing).reduce((s, b) => s + b.tokens, 0);
}
