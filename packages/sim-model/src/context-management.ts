/**
 * `context_management` as the API applies it, reported the same way (`applied_edits` in the
 * response): `clear_tool_uses_20250919` clears the oldest tool results once the trigger is
 * reached, keeping the newest `keep` tool uses; `clear_thinking_20251015` clears thinking of all
 * but the newest `keep` assistant turns; an edit that clears nothing is not listed. Compaction
 * (`compact_20260112`) is accepted while the conversation is below its trigger and refused
 * (400 naming the edit) above it: the simulated model does not write summaries.
 */
import { SimApiError } from './errors.ts';
import type { SimContextManagement } from './message.ts';
import { estimateTokens, type Pacing } from './pacing.ts';
import { blocksOf, type MessagesRequest, type RequestBlock } from './request.ts';

/** The API's defaults for these edits. */
const DEFAULT_CLEAR_TOOL_USES_TRIGGER = 100_000;
const DEFAULT_KEEP_TOOL_USES = 3;
const DEFAULT_KEEP_THINKING_TURNS = 1;
const DEFAULT_COMPACT_TRIGGER = 150_000;

function resultTokens(block: Extract<RequestBlock, { type: 'tool_result' }>, pacing: Pick<Pacing, 'charsPerToken'>): number {
  if (block.content === undefined) return 0;
  const text =
    typeof block.content === 'string' ? block.content : block.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  return estimateTokens(text, pacing);
}

/**
 * The edits of `request.context_management` that apply at `inputTokens`, as the response
 * reports them; undefined when the request did not ask for context management.
 * @throws SimApiError (400) when a compaction would have to run.
 */
export function applyContextEdits(
  request: MessagesRequest,
  inputTokens: number,
  pacing: Pick<Pacing, 'charsPerToken'>,
): SimContextManagement | undefined {
  const config = request.context_management;
  if (config == null) return undefined;
  const applied: SimContextManagement['applied_edits'] = [];
  const names = new Map<string, string>();
  const uses: Array<{ name: string; tokens: number }> = [];
  const thinkingTurns: number[] = [];
  for (const message of request.messages) {
    let thinking = 0;
    for (const block of blocksOf(message)) {
      if (block.type === 'tool_use') names.set(block.id, block.name);
      else if (block.type === 'tool_result')
        uses.push({ name: names.get(block.tool_use_id) ?? '', tokens: resultTokens(block, pacing) });
      else if (block.type === 'thinking') thinking += estimateTokens(block.thinking, pacing);
      else if (block.type === 'redacted_thinking') thinking += estimateTokens(block.data, pacing);
    }
    if (message.role === 'assistant' && blocksOf(message).some((b) => b.type === 'thinking' || b.type === 'redacted_thinking'))
      thinkingTurns.push(thinking);
  }
  (config.edits ?? []).forEach((edit, i) => {
    if (edit.type === 'clear_thinking_20251015') {
      const keep =
        edit.keep === undefined
          ? DEFAULT_KEEP_THINKING_TURNS
          : edit.keep === 'all' || edit.keep.type === 'all'
            ? Infinity
            : edit.keep.value;
      const cleared = thinkingTurns.slice(0, Math.max(0, thinkingTurns.length - keep));
      if (cleared.length > 0)
        applied.push({
          type: 'clear_thinking_20251015',
          cleared_thinking_turns: cleared.length,
          cleared_input_tokens: cleared.reduce((s, t) => s + t, 0),
        });
    } else if (edit.type === 'clear_tool_uses_20250919') {
      const trigger = edit.trigger ?? { type: 'input_tokens', value: DEFAULT_CLEAR_TOOL_USES_TRIGGER };
      const reached = trigger.type === 'input_tokens' ? inputTokens >= trigger.value : uses.length >= trigger.value;
      if (!reached) return;
      const keep = edit.keep?.value ?? DEFAULT_KEEP_TOOL_USES;
      const excluded = new Set(edit.exclude_tools ?? []);
      const cleared = uses.slice(0, Math.max(0, uses.length - keep)).filter((u) => !excluded.has(u.name));
      const tokens = cleared.reduce((s, u) => s + u.tokens, 0);
      if (cleared.length === 0 || tokens < (edit.clear_at_least?.value ?? 0)) return;
      applied.push({ type: 'clear_tool_uses_20250919', cleared_tool_uses: cleared.length, cleared_input_tokens: tokens });
    } else if (inputTokens >= (edit.trigger?.value ?? DEFAULT_COMPACT_TRIGGER)) {
      throw new SimApiError(
        400,
        'invalid_request_error',
        `context_management.edits.${i}: compaction is not simulated, and this conversation (${inputTokens} input tokens) reached its trigger`,
      );
    }
  });
  return { applied_edits: applied };
}
