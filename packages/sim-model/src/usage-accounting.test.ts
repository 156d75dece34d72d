import Anthropic from '@anthropic-ai/sdk';
import { VirtualClock } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { createSimModel, DEFAULT_PACING, responseTimeMs, scaledPacing } from './index.ts';

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

  test('on a scaled clock the cache lives 5 minutes x scale, as every other duration does', async () => {
    // Scale 0.1: 30 s of this clock stand for 5 minutes. The breakpoint's TTL follows the
    // pacing, so a scaled run expires its cache when the virtual run does.
    const clock = new VirtualClock();
    const sim = createSimModel('default', { clock, scale: 0.1, pacing: scaledPacing(0.1) });
    const client = new Anthropic({ apiKey: 'sim', fetch: sim.fetch });
    const prefix = (await client.messages.create(params('first'))).usage.cache_creation_input_tokens ?? 0;
    expect(prefix).toBeGreaterThanOrEqual(1024);
    await clock.sleep(20_000);
    expect((await client.messages.create(params('second'))).usage.cache_read_input_tokens).toBe(prefix);
    await clock.sleep(40_000);
    const third = await client.messages.create(params('third'));
    expect(third.usage.cache_read_input_tokens).toBe(0);
    expect(third.usage.cache_creation_input_tokens).toBe(prefix);
    expect(third.usage.cache_creation?.ephemeral_5m_input_tokens).toBe(prefix);
    // A 1-hour breakpoint lives 12 times as long and is billed as a 1-hour write.
    const hour = {
      ...params('hour'),
      system: [
        { type: 'text' as const, text: `${SYSTEM} Hourly.`, cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } },
      ],
    };
    const written = await client.messages.create(hour);
    expect(written.usage.cache_creation?.ephemeral_1h_input_tokens).toBe(written.usage.cache_creation_input_tokens);
    await clock.sleep(5 * 60_000);
    expect((await client.messages.create(hour)).usage.cache_read_input_tokens).toBe(written.usage.cache_creation_input_tokens);
  });

  test('a breakpoint that moves to the newest message still reads what the previous request wrote', async () => {
    const client = new Anthropic({ apiKey: 'sim', fetch: createSimModel('default', { clock: new VirtualClock() }).fetch });
    const long = 'Read the repository layout and report. '.repeat(150);
    const first = await client.messages.create({
      model: 'claude-sim',
      max_tokens: 256,
      messages: [{ role: 'user', content: [{ type: 'text', text: long, cache_control: { type: 'ephemeral' } }] }],
    });
    const written = first.usage.cache_creation_input_tokens ?? 0;
    expect(written).toBeGreaterThanOrEqual(1024);
    // The next request sends the first message as a plain string (no breakpoint) and puts the
    // breakpoint on the newest message, as an agent loop does.
    const second = await client.messages.create({
      model: 'claude-sim',
      max_tokens: 256,
      messages: [
        { role: 'user', content: long },
        { role: 'assistant', content: first.content.filter((b) => b.type === 'text') },
        { role: 'user', content: [{ type: 'text', text: 'And now?', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    expect(second.usage.cache_read_input_tokens).toBe(written);
    expect(second.usage.cache_creation_input_tokens).toBeGreaterThan(0);
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
