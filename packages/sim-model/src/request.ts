/**
 * The part of the Messages API request the simulated model accepts, validated with zod, plus the
 * conversation rules the real API enforces (tool_use answered by tool_result in the next message,
 * tool_result blocks first). A bad request becomes a 400 `invalid_request_error` naming the field.
 */
import * as z from 'zod';
import { SimApiError } from './errors.ts';
import { CacheControl, ContentBlock, Effort, SystemContentBlock, TextBlock } from './request-blocks.ts';
import { ContextManagementConfig, Metadata, OutputConfig, ThinkingConfig, ToolChoice, unservedField } from './request-options.ts';

const Content = z.union([z.string(), z.array(ContentBlock)]);

/**
 * A mid-conversation system message (Claude Opus 4.8 and later): text and tool changes, a
 * per-turn effort, and how long it stays in front of the model. Placement is checked below.
 */
const SystemMessage = z.object({
  role: z.literal('system'),
  content: z.union([z.string(), z.array(SystemContentBlock)]).optional(),
  output_config: z.looseObject({ effort: Effort }).nullish(),
  clear_at: z.enum(['next_user_message', 'never']).nullish(),
});

const Message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: Content }),
  z.object({ role: z.literal('assistant'), content: Content }),
  SystemMessage,
]);

/** Tool types that bundle tools under one entry and carry no `name` (MCP, browser, computer). */
const TOOLSET = /(^|_)toolset(_\d+)?$/;

const Tool = z
  .looseObject({
    name: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,128}$/, 'String should match pattern ^[a-zA-Z0-9_-]{1,128}$')
      .optional(),
    type: z.string().nullish(),
    description: z.string().optional(),
    input_schema: z.looseObject({ type: z.literal('object') }).optional(),
    defer_loading: z.boolean().optional(),
    cache_control: CacheControl,
  })
  .refine((t) => (t.type != null && t.type !== 'custom') || t.input_schema !== undefined, {
    message: 'Field required',
    path: ['input_schema'],
  })
  .refine((t) => t.name !== undefined || TOOLSET.test(t.type ?? ''), { message: 'Field required', path: ['name'] });

/**
 * Schema of a `POST /v1/messages` body: every field of the current API's `MessageCreateParams`
 * is accepted; the ones the simulated model reads are validated, the rest pass through.
 */
export const MessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(0),
  messages: z.array(Message),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  tools: z.array(Tool).optional(),
  tool_choice: ToolChoice.optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: Metadata.optional(),
  thinking: ThinkingConfig.optional(),
  output_config: OutputConfig.optional(),
  context_management: ContextManagementConfig.nullish(),
  cache_control: CacheControl,
});

export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;
export type RequestMessage = MessagesRequest['messages'][number];
export type RequestBlock = Exclude<RequestMessage['content'], string | undefined>[number];
export type RequestTool = NonNullable<MessagesRequest['tools']>[number];

function invalid(message: string): SimApiError {
  return new SimApiError(400, 'invalid_request_error', message);
}

/** The content of a message as blocks (a string is one text block). */
export function blocksOf(message: RequestMessage): RequestBlock[] {
  if (message.content === undefined) return [];
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/**
 * The placement rules of mid-conversation system messages, as the API states them: never first;
 * after a `user` message (or an assistant turn that ended in a server tool call), possibly in a
 * run of system messages; followed by an `assistant` message or the end of the array; with
 * content or an `output_config`.
 */
function checkSystemMessage(messages: readonly RequestMessage[], i: number): void {
  const message = messages[i];
  if (message?.role !== 'system') return;
  if (message.content === undefined && message.output_config == null)
    throw invalid(`messages.${i}: a system message needs \`content\` or \`output_config\``);
  let before = i - 1;
  while (before >= 0 && messages[before]?.role === 'system') before--;
  const prev = messages[before];
  const prevBlocks = prev ? blocksOf(prev) : [];
  const afterServerTool = prev?.role === 'assistant' && prevBlocks[prevBlocks.length - 1]?.type === 'server_tool_use';
  if (prev?.role !== 'user' && !afterServerTool)
    throw invalid(
      `messages.${i}: role 'system' must follow a 'user' message (or an assistant turn ending in a server tool call)${i === 0 ? '; it cannot be the first message, use the top-level system field' : ''}`,
    );
  let after = i + 1;
  while (after < messages.length && messages[after]?.role === 'system') after++;
  const next = messages[after];
  if (next !== undefined && next.role !== 'assistant')
    throw invalid(`messages.${i}: role 'system' must precede an 'assistant' message or end the array`);
}

/** Rules across options: a thinking budget below max_tokens, no forced tool use while thinking. */
function checkOptions(request: MessagesRequest, countOnly: boolean): void {
  const { thinking } = request;
  const thinks = thinking?.type === 'enabled' || thinking?.type === 'adaptive';
  if (!countOnly && thinking?.type === 'enabled' && request.max_tokens <= thinking.budget_tokens)
    throw invalid('max_tokens: must be greater than thinking.budget_tokens');
  if (thinks && (request.tool_choice?.type === 'any' || request.tool_choice?.type === 'tool'))
    throw invalid('tool_choice: Thinking may not be enabled when tool_choice forces tool use.');
}

function checkConversation(request: MessagesRequest): void {
  const { messages } = request;
  if (messages.length === 0) throw invalid('messages: at least one message is required');
  const names = new Set<string>();
  request.tools?.forEach((tool) => {
    if (tool.name === undefined) return;
    if (names.has(tool.name)) throw invalid(`tools: Tool names must be unique. Duplicate name: ${tool.name}`);
    names.add(tool.name);
  });
  messages.forEach((message, i) => {
    checkSystemMessage(messages, i);
    const blocks = blocksOf(message);
    if (message.role !== 'system' && typeof message.content !== 'string' && blocks.length === 0 && i < messages.length - 1)
      throw invalid(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    blocks.forEach((block, k) => {
      if (block.type === 'text' && block.text.length === 0 && !(i === messages.length - 1 && message.role === 'assistant'))
        throw invalid(`messages.${i}.content.${k}.text: text content blocks must be non-empty`);
      if (block.type === 'tool_use' && message.role !== 'assistant')
        throw invalid(`messages.${i}.content.${k}: tool_use blocks may only appear in assistant messages`);
      if (block.type === 'tool_result' && message.role !== 'user')
        throw invalid(`messages.${i}.content.${k}: tool_result blocks may only appear in user messages`);
    });
    const uses = message.role === 'assistant' ? blocks.filter((b) => b.type === 'tool_use').map((b) => b.id) : [];
    const next = messages[i + 1];
    if (uses.length > 0 && next) {
      const answered = new Set(blocksOf(next).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])));
      const missing = uses.filter((id) => !answered.has(id));
      if (next.role !== 'user' || missing.length > 0)
        throw invalid(
          `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
    }
    if (message.role === 'user') {
      const prev = messages[i - 1];
      const offered = new Set(
        prev?.role === 'assistant' ? blocksOf(prev).flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])) : [],
      );
      let seenOther = false;
      blocks.forEach((block, k) => {
        if (block.type !== 'tool_result') {
          seenOther = true;
          return;
        }
        if (!offered.has(block.tool_use_id))
          throw invalid(
            `messages.${i}.content.${k}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        if (seenOther)
          throw invalid(
            `messages.${i}.content.${k}: \`tool_result\` blocks must come first in the content of a user message, before any other block`,
          );
      });
    }
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/**
 * Validates a parsed JSON body.
 * @throws SimApiError (400 invalid_request_error) saying what is wrong.
 */
export function parseMessagesRequest(body: unknown, options: { countOnly?: boolean } = {}): MessagesRequest {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const unserved = unservedField(body as Record<string, unknown>);
    if (unserved) throw invalid(`${unserved.field}: ${unserved.reason}`);
  }
  const parsed = MessagesRequestSchema.safeParse(body, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'Field required' : undefined),
  });
  if (!parsed.success) throw invalid(parsed.error.issues.slice(0, 3).map(describeIssue).join('; '));
  checkConversation(parsed.data);
  checkOptions(parsed.data, options.countOnly === true);
  return parsed.data;
}
