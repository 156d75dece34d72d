/**
 * The streaming form of a message: Server-Sent Events in the order the Messages API sends them
 * (`message_start`, `content_block_start` / `_delta` / `_stop` per block, `message_delta`,
 * `message_stop`), paced on the clock: time to first token, then chunks at the output speed.
 */
import type { Runtime } from '@bgtasks/core';
import type { SimMessage } from './message.ts';
import type { Pacing } from './pacing.ts';

const encoder = new TextEncoder();

function event(type: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** A block as its `content_block_start` shows it: text, thinking and inputs arrive as deltas. */
function startOf(block: SimMessage['content'][number]): unknown {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '' };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'tool_search_tool_result':
      return block;
    default:
      return { ...block, input: {} };
  }
}

/** Options of {@link streamMessage}. */
export interface StreamOptions {
  clock: Pick<Runtime, 'sleep'>;
  pacing: Pacing;
  /** Time from the request to the first token, ms. */
  ttftMs: number;
  /** Time to generate all output tokens, ms. */
  generationMs: number;
  signal?: AbortSignal;
  /** Called once the last event is queued. */
  onDone?: () => void;
}

/** The SSE body for `message`; cancelling the stream stops the pacing. */
export function streamMessage(message: SimMessage, options: StreamOptions): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const size = Math.max(1, Math.round(options.pacing.streamChunkTokens * options.pacing.charsPerToken));
  const pieces = message.content.map((block) => {
    if (block.type === 'text') return chunks(block.text, size);
    if (block.type === 'thinking') return block.thinking === '' ? [] : chunks(block.thinking, size);
    if (block.type === 'tool_search_tool_result') return [];
    return chunks(JSON.stringify(block.input), size);
  });
  const totalChars = Math.max(
    1,
    pieces.flat().reduce((s, p) => s + p.length, 0),
  );
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        await options.clock.sleep(options.ttftMs, stop.signal);
        const { usage } = message;
        controller.enqueue(
          event('message_start', {
            type: 'message_start',
            message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
          }),
        );
        controller.enqueue(event('ping', { type: 'ping' }));
        for (const [index, block] of message.content.entries()) {
          controller.enqueue(event('content_block_start', { type: 'content_block_start', index, content_block: startOf(block) }));
          for (const piece of pieces[index] ?? []) {
            await options.clock.sleep((options.generationMs * piece.length) / totalChars, stop.signal);
            const delta =
              block.type === 'text'
                ? { type: 'text_delta', text: piece }
                : block.type === 'thinking'
                  ? { type: 'thinking_delta', thinking: piece }
                  : { type: 'input_json_delta', partial_json: piece };
            controller.enqueue(event('content_block_delta', { type: 'content_block_delta', index, delta }));
          }
          if (block.type === 'thinking') {
            const delta = { type: 'signature_delta', signature: block.signature };
            controller.enqueue(event('content_block_delta', { type: 'content_block_delta', index, delta }));
          }
          controller.enqueue(event('content_block_stop', { type: 'content_block_stop', index }));
        }
        controller.enqueue(
          event('message_delta', {
            type: 'message_delta',
            delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence, stop_details: null },
            ...(message.context_management ? { context_management: message.context_management } : {}),
            usage: {
              input_tokens: usage.input_tokens,
              cache_creation_input_tokens: usage.cache_creation_input_tokens,
              cache_read_input_tokens: usage.cache_read_input_tokens,
              output_tokens: usage.output_tokens,
            },
          }),
        );
        controller.enqueue(event('message_stop', { type: 'message_stop' }));
        controller.close();
        options.onDone?.();
      } catch (error) {
        if (!stop.signal.aborted) controller.error(error);
        else
          try {
            controller.close();
          } catch {
            // already cancelled by the reader
          }
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
    },
    cancel() {
      stop.abort();
    },
  });
}
