import type Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';

/** One model request, streamed (assembled by the SDK's MessageStream) or not. */
export async function callModel(
  client: Anthropic,
  params: MessageCreateParamsNonStreaming,
  stream: boolean,
  signal: AbortSignal,
): Promise<Message> {
  if (stream) return client.messages.stream(params, { signal }).finalMessage();
  return client.messages.create(params, { signal });
}
