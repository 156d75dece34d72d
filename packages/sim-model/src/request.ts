/**
 * The part of the Messages API request the simulated model accepts, validated with zod, plus the
 * conversation rules the real API enforces (tool_use answered by tool_result in the next message,
 * tool_result blocks first). A bad request becomes a 400 `invalid_request_error` naming the field.
 */
import * as z from 'zod';
import { SimApiError } from './errors.ts';

const CacheControl = z
  .object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() })
  .strict()
  .nullish();

const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: CacheControl });
const ImageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.looseObject({ type: z.string() }),
  cache_control: CacheControl,
});
const DocumentBlock = z.looseObject({
  type: z.literal('document'),
  source: z.looseObject({ type: z.string() }),
  cache_control: CacheControl,
});
const ToolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: CacheControl,
});
const ToolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlock, ImageBlock, DocumentBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: CacheControl,
});
const ThinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const RedactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

const ContentBlock = z.discriminatedUnion('type', [
  TextBlock,
  ImageBlock,
  DocumentBlock,
  ToolUseBlock,
  ToolResultBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
]);

const Message = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(ContentBlock)]),
});

const Tool = z
  .looseObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, 'String should match pattern ^[a-zA-Z0-9_-]{1,128}$'),
    type: z.string().nullish(),
    description: z.string().optional(),
    input_schema: z.looseObject({ type: z.literal('object') }).optional(),
    cache_control: CacheControl,
  })
  .refine((t) => (t.type != null && t.type !== 'custom') || t.input_schema !== undefined, {
    message: 'Field required',
    path: ['input_schema'],
  });

/** Schema of a `POST /v1/messages` body (the fields the simulated model reads; others pass). */
export const MessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(Message),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  tools: z.array(Tool).optional(),
  tool_choice: z.looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional() }).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.looseObject({}).optional(),
});

export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;
export type RequestMessage = MessagesRequest['messages'][number];
export type RequestBlock = Exclude<RequestMessage['content'], string>[number];
export type RequestTool = NonNullable<MessagesRequest['tools']>[number];

function invalid(message: string): SimApiError {
  return new SimApiError(400, 'invalid_request_error', message);
}

/** The content of a message as blocks (a string is one text block). */
export function blocksOf(message: RequestMessage): RequestBlock[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

function checkConversation(request: MessagesRequest): void {
  const { messages } = request;
  if (messages.length === 0) throw invalid('messages: at least one message is required');
  const names = new Set<string>();
  request.tools?.forEach((tool) => {
    if (names.has(tool.name)) throw invalid(`tools: Tool names must be unique. Duplicate name: ${tool.name}`);
    names.add(tool.name);
  });
  messages.forEach((message, i) => {
    const blocks = blocksOf(message);
    if (typeof message.content !== 'string' && blocks.length === 0 && i < messages.length - 1)
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
export function parseMessagesRequest(body: unknown): MessagesRequest {
  const parsed = MessagesRequestSchema.safeParse(body, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'Field required' : undefined),
  });
  if (!parsed.success) throw invalid(parsed.error.issues.slice(0, 3).map(describeIssue).join('; '));
  checkConversation(parsed.data);
  return parsed.data;
}
