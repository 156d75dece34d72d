/**
 * A `fetch` for `new Anthropic({ fetch })` that answers Messages API requests from a script
 * instead of the network, and records every request body. Non-streaming requests get JSON;
 * requests with `stream: true` get the same message as server-sent events.
 */
import type { ContentBlock, Message, MessageCreateParams, Usage } from '@anthropic-ai/sdk/resources/messages';

/** A request the scripted fetch received. */
export interface RecordedRequest {
  url: string;
  body: MessageCreateParams;
}

/** An HTTP error reply, e.g. `{ status: 500 }`; the SDK retries 429 and 5xx itself. */
export interface ErrorReply {
  status: number;
  message?: string;
  /** Delay the SDK waits before retrying, in ms (`retry-after-ms`). Default 1. */
  retryAfterMs?: number;
}

/** What a script step answers: a message, or an HTTP error. */
export type ScriptReply = Message | ErrorReply;

/** Decides the reply to request number `index` (from 0). May wait, e.g. on a virtual clock. */
export type Responder = (request: RecordedRequest, index: number) => ScriptReply | Promise<ScriptReply>;

/** The scripted fetch and what it recorded. */
export interface ScriptedFetch {
  fetch: typeof fetch;
  requests: RecordedRequest[];
}

function isError(reply: ScriptReply): reply is ErrorReply {
  return !('type' in reply && reply.type === 'message');
}

/** Server-sent events of a whole message, the way the Messages API streams it. */
export function messageEvents(message: Message): string {
  const events: Array<[string, unknown]> = [];
  const start = {
    ...message,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...message.usage, output_tokens: 0 },
  };
  events.push(['message_start', { type: 'message_start', message: start }]);
  message.content.forEach((block, index) => {
    if (block.type === 'tool_use') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } }]);
      const json = JSON.stringify(block.input);
      for (const part of [json.slice(0, Math.ceil(json.length / 2)), json.slice(Math.ceil(json.length / 2))]) {
        events.push([
          'content_block_delta',
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } },
        ]);
      }
    } else if (block.type === 'text') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { ...block, text: '' } }]);
      for (const part of block.text.match(/[\s\S]{1,16}/g) ?? []) {
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part } }]);
      }
    } else {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: block }]);
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push([
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence, container: null },
      usage: message.usage,
    },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

/**
 * @example
 * const scripted = createScriptedFetch(() => assistantMessage([textBlock('done')]));
 * const client = new Anthropic({ apiKey: 'test', fetch: scripted.fetch, maxRetries: 1 });
 */
export function createScriptedFetch(responder: Responder): ScriptedFetch {
  const requests: RecordedRequest[] = [];
  const scriptedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = JSON.parse(String(init?.body ?? '{}')) as MessageCreateParams;
    const request = { url, body };
    requests.push(request);
    const reply = await responder(request, requests.length - 1);
    if (isError(reply)) {
      const error = { type: 'error', error: { type: 'api_error', message: reply.message ?? `scripted ${reply.status}` } };
      return new Response(JSON.stringify(error), {
        status: reply.status,
        headers: { 'content-type': 'application/json', 'retry-after-ms': String(reply.retryAfterMs ?? 1) },
      });
    }
    if (body.stream) {
      return new Response(messageEvents(reply), { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }
    return new Response(JSON.stringify(reply), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: scriptedFetch as typeof fetch, requests };
}

/** A `text` content block. */
export function textBlock(text: string): ContentBlock {
  return { type: 'text', text, citations: null };
}

/** A `tool_use` content block. */
export function toolUseBlock(id: string, name: string, input: Record<string, unknown>): ContentBlock {
  return { type: 'tool_use', id, name, input, caller: { type: 'direct' } } as ContentBlock;
}

/** Token counts of a scripted message. */
export interface ScriptedUsage {
  input?: number;
  cacheCreation?: number;
  cacheRead?: number;
  output?: number;
}

/** A complete assistant message; `stopReason` defaults to `tool_use` when a tool is called, else `end_turn`. */
export function assistantMessage(
  content: ContentBlock[],
  options: { stopReason?: Message['stop_reason']; usage?: ScriptedUsage; model?: string; id?: string } = {},
): Message {
  const u = options.usage ?? {};
  const usage = {
    input_tokens: u.input ?? 10,
    output_tokens: u.output ?? 5,
    cache_creation_input_tokens: u.cacheCreation ?? 0,
    cache_read_input_tokens: u.cacheRead ?? 0,
    cache_creation: null,
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
  } as Usage;
  return {
    id: options.id ?? 'msg_scripted',
    type: 'message',
    role: 'assistant',
    model: options.model ?? 'claude-sonnet-4-6',
    content,
    stop_reason: options.stopReason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage,
  } as Message;
}
