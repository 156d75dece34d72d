/**
 * Shapes a planned turn into a Messages API `Message`: ids from the seed and the request, output
 * tokens by the size approximation, `max_tokens` and `stop_sequences` applied the way the API
 * applies them, and the usage block.
 */
import { makeId } from './internal/hash.ts';
import { estimateTokens, type Pacing } from './pacing.ts';
import type { PlannedTurn } from './policy.ts';
import type { CacheUsage } from './prompt-cache.ts';

/** A content block of a simulated response. */
export type SimContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** Usage as the Messages API reports it. */
export interface SimUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
}

/** A response of the simulated model, field for field what the Messages API returns. */
export interface SimMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: SimContentBlock[];
  stop_reason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence';
  stop_sequence: string | null;
  stop_details: null;
  container: null;
  usage: SimUsage;
}

/** Output tokens of one block under the size approximation. */
export function blockTokens(block: SimContentBlock, pacing: Pick<Pacing, 'charsPerToken'>): number {
  return block.type === 'text'
    ? estimateTokens(block.text, pacing)
    : estimateTokens(JSON.stringify({ name: block.name, input: block.input }), pacing);
}

/** Inputs of {@link buildMessage}. */
export interface BuildMessageOptions {
  model: string;
  maxTokens: number;
  stopSequences: readonly string[];
  /** Identifies the request: ids derive from it and the seed. */
  key: string;
  seed: number;
  pacing: Pacing;
  cache: CacheUsage;
}

/** The message for `turn`. */
export function buildMessage(turn: PlannedTurn, options: BuildMessageOptions): SimMessage {
  const planned: SimContentBlock[] = [
    ...turn.texts.map((text): SimContentBlock => ({ type: 'text', text })),
    ...turn.calls.map(
      (call, i): SimContentBlock => ({ type: 'tool_use', id: makeId('toolu', `${options.key}#${i}`, options.seed), ...call }),
    ),
  ];
  let stopReason: SimMessage['stop_reason'] = turn.stopReason;
  let stopSequence: string | null = null;
  const content: SimContentBlock[] = [];
  let tokens = 0;
  for (const block of planned) {
    let current = block;
    if (current.type === 'text') {
      const hit = options.stopSequences
        .map((seq) => ({ seq, at: seq === '' ? -1 : (current as { text: string }).text.indexOf(seq) }))
        .filter((h) => h.at >= 0)
        .sort((a, b) => a.at - b.at)[0];
      if (hit) {
        current = { type: 'text', text: current.text.slice(0, hit.at) };
        stopReason = 'stop_sequence';
        stopSequence = hit.seq;
      }
    }
    const cost = blockTokens(current, options.pacing);
    if (tokens + cost > options.maxTokens) {
      // Cut text at the budget; a tool call that does not fit is not made.
      if (current.type === 'text') {
        const chars = Math.floor((options.maxTokens - tokens) * options.pacing.charsPerToken);
        if (chars > 0) content.push({ type: 'text', text: current.text.slice(0, chars) });
      }
      tokens = options.maxTokens;
      stopReason = 'max_tokens';
      stopSequence = null;
      break;
    }
    if (current.type !== 'text' || current.text.length > 0) content.push(current);
    tokens += cost;
    if (stopReason === 'stop_sequence') break;
  }
  return {
    id: makeId('msg', options.key, options.seed),
    type: 'message',
    role: 'assistant',
    model: options.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    stop_details: null,
    container: null,
    usage: {
      input_tokens: options.cache.input_tokens,
      cache_creation_input_tokens: options.cache.cache_creation_input_tokens,
      cache_read_input_tokens: options.cache.cache_read_input_tokens,
      cache_creation: {
        ephemeral_5m_input_tokens: options.cache.ephemeral_5m_input_tokens,
        ephemeral_1h_input_tokens: options.cache.ephemeral_1h_input_tokens,
      },
      output_tokens: Math.max(1, tokens),
      service_tier: 'standard',
    },
  };
}
