/**
 * The request options beside the conversation, as the current Messages API takes them
 * (`MessageCreateParams` of `@anthropic-ai/sdk` 1.17): extended or adaptive thinking, effort,
 * context management, metadata. Each is validated where the API validates it and otherwise
 * passed through; {@link UNSERVED_FIELDS} are the ones the simulated model cannot honour, which
 * it refuses with a 400 naming the field rather than answering as if it had.
 */
import * as z from 'zod';
import { Effort } from './request-blocks.ts';

const ThinkingDisplay = z.enum(['summarized', 'omitted', 'updates']).nullish();

/** `thinking`: enabled with a budget, adaptive (the model decides), disabled, or between tools. */
export const ThinkingConfig = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1024), display: ThinkingDisplay }),
  z.looseObject({ type: z.literal('adaptive'), display: ThinkingDisplay }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('between_tools') }),
]);
export type ThinkingConfig = z.infer<typeof ThinkingConfig>;

/** `output_config`: effort, and `format` (structured outputs, refused: see {@link UNSERVED_FIELDS}). */
export const OutputConfig = z.looseObject({ effort: Effort, format: z.unknown().optional() });

const Count = z.number().int().min(0);
const ClearToolUses = z.looseObject({
  type: z.literal('clear_tool_uses_20250919'),
  trigger: z.looseObject({ type: z.enum(['input_tokens', 'tool_uses']), value: Count }).nullish(),
  keep: z.looseObject({ type: z.literal('tool_uses'), value: Count }).nullish(),
  clear_at_least: z.looseObject({ type: z.literal('input_tokens'), value: Count }).nullish(),
  exclude_tools: z.array(z.string()).nullish(),
  clear_tool_inputs: z.union([z.boolean(), z.array(z.string())]).nullish(),
});
const ClearThinking = z.looseObject({
  type: z.literal('clear_thinking_20251015'),
  keep: z
    .union([
      z.literal('all'),
      z.looseObject({ type: z.literal('thinking_turns'), value: Count }),
      z.looseObject({ type: z.literal('all') }),
    ])
    .optional(),
});
const Compact = z.looseObject({
  type: z.literal('compact_20260112'),
  trigger: z.looseObject({ type: z.literal('input_tokens'), value: Count }).nullish(),
  instructions: z.string().nullish(),
  pause_after_compaction: z.boolean().optional(),
});

/** `context_management`: clearing old tool results and thinking, and compaction. */
export const ContextManagementConfig = z.looseObject({
  edits: z.array(z.discriminatedUnion('type', [ClearToolUses, ClearThinking, Compact])).optional(),
});
export type ContextManagementConfig = z.infer<typeof ContextManagementConfig>;
export type ContextEdit = NonNullable<ContextManagementConfig['edits']>[number];

export const Metadata = z.looseObject({ user_id: z.string().max(256).nullish() });

export const ToolChoice = z.looseObject({
  type: z.enum(['auto', 'any', 'tool', 'none']),
  name: z.string().optional(),
  disable_parallel_tool_use: z.boolean().optional(),
});

/**
 * Fields the API accepts and the simulated model cannot serve, each with why: asked for, they
 * get a 400 naming the field (an empty or null value is not asking).
 */
export const UNSERVED_FIELDS: Readonly<Record<string, string>> = {
  output_format: 'structured outputs (a response that follows a JSON schema) are not simulated',
  'output_config.format': 'structured outputs (a response that follows a JSON schema) are not simulated',
  thread: 'server-side message threads are not simulated; send the whole conversation in messages',
  mcp_servers: 'the MCP connector (the API calling remote MCP servers) is not simulated; run the MCP client yourself',
};

function asked(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** The first field of `body` that the simulated model cannot serve, with its reason. */
export function unservedField(body: Record<string, unknown>): { field: string; reason: string } | undefined {
  const outputConfig = body.output_config as Record<string, unknown> | undefined;
  for (const [field, reason] of Object.entries(UNSERVED_FIELDS)) {
    const value = field === 'output_config.format' ? outputConfig?.format : body[field];
    if (asked(value)) return { field, reason };
  }
  return undefined;
}
