// The end-of-run summary's token line: all input first, then how the prompt cache split it, so a
// fully cached conversation never reads "input 0".
import { describe, expect, test } from 'vitest';
import { formatSummary, summarize } from './summary.ts';

describe('the summary', () => {
  test('shows all input tokens, then uncached, cache write and cache read', () => {
    const summary = summarize({
      model: 'claude-sonnet-4-6',
      simulated: true,
      strategy: 'inject',
      loop: 'own',
      runtime: 'node',
      scenario: 'default',
      wallTimeMs: 1000,
      events: [
        { type: 'usage', at: 0, turn: 1, usage: { input: 0, cacheCreation: 2052, cacheRead: 6222, output: 480 }, costUsd: null },
      ],
      jobs: [],
      stopReason: 'end_turn',
    });
    const text = formatSummary(summary);
    expect(text).toContain('tokens         input 8274 (uncached 0, cache write 2052, cache read 6222), output 480');
    expect(text).not.toMatch(/tokens\s+input 0\b/);
  });
});
