import Anthropic from '@anthropic-ai/sdk';
import { VirtualClock } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { createSimModel, DEFAULT_PACING, responseTimeMs } from './index.ts';

const SYSTEM = 'You are a careful build engineer. '.repeat(200);

function params(question: string): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: 'claude-sim',
    max_tokens: 1024,
    system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: question }],
  };
}

describe('usage accounting', () => {
  test('a repeated prefix inside 5 minutes reads the cache; after 6 virtual minutes it writes again', async () => {
    const clock = new VirtualClock();
    const client = new Anthropic({ apiKey: 'sim', fetch: createSimModel('default', { clock }).fetch });
    const first = await client.messages.create(params('first'));
    const prefix = first.usage.cache_creation_input_tokens ?? 0;
    expect(prefix).toBeGreaterThanOrEqual(1024);
    expect(first.usage.cache_read_input_tokens).toBe(0);

    await clock.sleep(4 * 60_000);
    const second = await client.messages.create(params('second'));
    expect(second.usage.cache_read_input_tokens).toBe(prefix);
    expect(second.usage.cache_creation_input_tokens).toBe(0);

    await clock.sleep(6 * 60_000);
    const third = await client.messages.create(params('third'));
    expect(third.usage.cache_read_input_tokens).toBe(0);
    expect(third.usage.cache_creation_input_tokens).toBe(prefix);
    // The uncached rest is billed as plain input.
    expect(third.usage.input_tokens).toBeGreaterThan(0);
    expect(third.usage.input_tokens).toBeLessThan(20);
  });

  test('when the breakpoint moves to a later message, the history the previous request wrote is read', async () => {
    const client = new Anthropic({ apiKey: 'sim', fetch: createSimModel('default', { clock: new VirtualClock() }).fetch });
    const ephemeral = { type: 'ephemeral' as const };
    const history = 'The build log so far. '.repeat(300);
    const first = await client.messages.create({
      model: 'claude-sim',
      max_tokens: 1024,
      messages: [{ role: 'user', content: [{ type: 'text', text: history, cache_control: ephemeral }] }],
    });
    const written = first.usage.cache_creation_input_tokens ?? 0;
    expect(written).toBeGreaterThanOrEqual(1024);
    const second = await client.messages.create({
      model: 'claude-sim',
      max_tokens: 1024,
      messages: [
        { role: 'user', content: [{ type: 'text', text: history }] },
        { role: 'assistant', content: 'Noted.' },
        { role: 'user', content: [{ type: 'text', text: 'And now?', cache_control: ephemeral }] },
      ],
    });
    expect(second.usage.cache_read_input_tokens).toBe(written);
  });

  test('a prefix shorter than the cacheable minimum is not cached', async () => {
    const client = new Anthropic({ apiKey: 'sim', fetch: createSimModel('default', { clock: new VirtualClock() }).fetch });
    const short = {
      ...params('q'),
      system: [{ type: 'text' as const, text: 'short', cache_control: { type: 'ephemeral' as const } }],
    };
    await client.messages.create(short);
    const again = await client.messages.create(short);
    expect(again.usage.cache_read_input_tokens).toBe(0);
    expect(again.usage.cache_creation_input_tokens).toBe(0);
  });

  test('a response takes time to first token plus output tokens at the output speed, on the given clock', async () => {
    const clock = new VirtualClock();
    const client = new Anthropic({ apiKey: 'sim', fetch: createSimModel('default', { clock }).fetch });
    const message = await client.messages.create(params('pace'));
    expect(clock.now()).toBeCloseTo(responseTimeMs(message.usage.output_tokens), 3);
    expect(clock.now()).toBeGreaterThan(DEFAULT_PACING.ttftMs);
  });
});
