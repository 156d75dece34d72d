/**
 * Content blocks of a Messages API request, as zod schemas: the ones the simulated model reads
 * (text, tool_use, tool_result, thinking, tool references of a tool search) field by field, the
 * other block types the API accepts (server tool results, documents, search results, ...) by
 * their type with the rest passed through. A type the API does not know is refused by name.
 */
import * as z from 'zod';

/** `cache_control` of a block or tool. */
export const CacheControl = z
  .object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() })
  .strict()
  .nullish();

export const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: CacheControl });
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
/** A tool the client-side or server-side tool search found: the tool is loaded from here on. */
const ToolReferenceBlock = z.looseObject({
  type: z.literal('tool_reference'),
  tool_name: z.string().min(1),
  cache_control: CacheControl,
});
const SearchResultBlock = z.looseObject({ type: z.literal('search_result'), cache_control: CacheControl });
const BrowserStateBlock = z.looseObject({ type: z.literal('browser_state'), cache_control: CacheControl });
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
  content: z
    .union([
      z.string(),
      z.array(
        z.discriminatedUnion('type', [
          TextBlock,
          ImageBlock,
          DocumentBlock,
          ToolReferenceBlock,
          SearchResultBlock,
          BrowserStateBlock,
        ]),
      ),
    ])
    .optional(),
  is_error: z.boolean().optional(),
  cache_control: CacheControl,
});
/** `thinking` may be empty: with `display: "omitted"` the signature alone carries the reasoning. */
const ThinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const RedactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });
/** A server tool's call (web search, tool search, ...), run by the API inside one response. */
const ServerToolUseBlock = z.looseObject({
  type: z.literal('server_tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
  cache_control: CacheControl,
});
const ToolSearchResultBlock = z.looseObject({
  type: z.literal('tool_search_tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([
    z.looseObject({
      type: z.literal('tool_search_tool_search_result'),
      tool_references: z.array(ToolReferenceBlock),
    }),
    z.looseObject({ type: z.literal('tool_search_tool_result_error'), error_code: z.string() }),
  ]),
  cache_control: CacheControl,
});
const ToolChangeReference = z.looseObject({ type: z.string(), name: z.string().optional() });
/** Mid-conversation tool changes (`mid-conversation-tool-changes-2026-07-01`), in system messages. */
const ToolAdditionBlock = z.looseObject({
  type: z.literal('tool_addition'),
  tool: ToolChangeReference,
  cache_control: CacheControl,
});
const ToolRemovalBlock = z.looseObject({
  type: z.literal('tool_removal'),
  tool: ToolChangeReference,
  cache_control: CacheControl,
});

/**
 * Block types of the current API (`BetaContentBlockParam` of `@anthropic-ai/sdk` 1.17) that the
 * simulated model accepts and carries but does not read: results of server tools it never
 * calls, MCP connector blocks, compaction summaries, container uploads, fallbacks.
 */
const OTHER_BLOCK_TYPES = [
  'web_search_tool_result',
  'web_fetch_tool_result',
  'advisor_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
  'mcp_tool_listing',
  'container_upload',
  'compaction',
  'fallback',
] as const;
const otherBlocks = OTHER_BLOCK_TYPES.map((type) => z.looseObject({ type: z.literal(type), cache_control: CacheControl }));

/** Any block of a `user` or `assistant` message. */
export const ContentBlock = z.discriminatedUnion('type', [
  TextBlock,
  ImageBlock,
  DocumentBlock,
  SearchResultBlock,
  ToolUseBlock,
  ToolResultBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
  ServerToolUseBlock,
  ToolSearchResultBlock,
  ToolAdditionBlock,
  ToolRemovalBlock,
  ...otherBlocks,
]);

/** A block of a mid-conversation `system` message: text, or a tool change. */
export const SystemContentBlock = z.discriminatedUnion('type', [TextBlock, ToolAdditionBlock, ToolRemovalBlock]);

/** Per-turn effort, on `output_config` and on a system message's `output_config`. */
export const Effort = z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish();
