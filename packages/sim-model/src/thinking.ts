/**
 * The thinking block a response opens with when the request asks for thinking (`enabled` with a
 * budget, or `adaptive`): a few sentences about the turn, as long as the effort asks (within the
 * budget), shown or omitted as `display` says (omitted: empty text, the signature alone), and
 * counted in the output tokens either way.
 */
import { hash32 } from './internal/hash.ts';
import type { Pacing } from './pacing.ts';
import type { PlannedTurn } from './policy.ts';
import type { MessagesRequest } from './request.ts';
import { padText } from './think-text.ts';

/** Output tokens of thinking per effort level (`medium` when none is given). */
const THINKING_TOKENS: Readonly<Record<string, number>> = { low: 16, medium: 48, high: 96, xhigh: 160, max: 256 };

/** What {@link buildMessage} puts first when thinking is on. */
export interface PlannedThinking {
  /** The text shown (empty when the request asked for `display: "omitted"`). */
  text: string;
  /** Output tokens the thinking cost, shown or not. */
  tokens: number;
  signature: string;
}

function effortOf(request: MessagesRequest): string {
  let effort = request.output_config?.effort ?? undefined;
  // A system message's output_config sets the effort of the turn that follows it.
  for (const message of request.messages)
    if (message.role === 'system' && message.output_config?.effort) effort = message.output_config.effort;
    else if (message.role === 'user') effort = request.output_config?.effort ?? undefined;
  return effort ?? 'medium';
}

function about(turn: PlannedTurn): string {
  if (turn.calls.length > 0) return `Next I call ${turn.calls.map((c) => c.name).join(', ')}.`;
  if (turn.stopReason === 'end_turn' && turn.kind === 'final') return 'Everything I need is in; I can answer now.';
  return 'Nothing to start yet; I wait for the jobs that are running.';
}

/** The thinking of `turn`, or undefined when the request did not ask for thinking. */
export function planThinking(
  request: MessagesRequest,
  turn: PlannedTurn,
  options: { key: string; seed: number; pacing: Pick<Pacing, 'charsPerToken'> },
): PlannedThinking | undefined {
  const { thinking } = request;
  if (thinking?.type !== 'enabled' && thinking?.type !== 'adaptive') return undefined;
  let tokens = THINKING_TOKENS[effortOf(request)] ?? 48;
  if (thinking.type === 'enabled') tokens = Math.min(tokens, thinking.budget_tokens);
  const full = padText(
    `Thinking about what I know. ${about(turn)}`,
    Math.round(tokens * options.pacing.charsPerToken),
    `${options.key}:thinking`,
    options.seed,
  );
  const signature = `sim_${hash32(full, options.seed).toString(36)}${hash32(options.key, options.seed + 1).toString(36)}`;
  return { text: thinking.display === 'omitted' ? '' : full, tokens, signature };
}
