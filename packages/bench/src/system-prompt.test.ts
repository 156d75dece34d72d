import { estimateTokens } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';
import { DEFAULT_SYSTEM_TOKENS, ONE_LINE_SYSTEM_PROMPT, systemPrompt } from './system-prompt.ts';

describe('the benchmark system prompt', () => {
  test('is sized to the asked token count as the simulated model counts tokens', () => {
    for (const n of [1, 50, 1_000, DEFAULT_SYSTEM_TOKENS, 30_000]) {
      const tokens = estimateTokens(systemPrompt(n));
      expect(tokens).toBeLessThanOrEqual(n);
      // Cut at a word boundary: at most a word short.
      expect(tokens).toBeGreaterThanOrEqual(n - 5);
    }
  });

  test('0 tokens is the one-line prompt', () => {
    expect(systemPrompt(0)).toBe(ONE_LINE_SYSTEM_PROMPT);
  });

  test('the same seed gives the same text; another seed another text', () => {
    expect(systemPrompt(2_000)).toBe(systemPrompt(2_000));
    expect(systemPrompt(2_000, { seed: 5 })).not.toBe(systemPrompt(2_000));
    // A longer prompt starts with the shorter one's rules: one generator, cut at a length.
    expect(systemPrompt(4_000).startsWith(systemPrompt(2_000).slice(0, -40))).toBe(true);
  });

  test('reads as a harness prompt: sections on tools, git, style, testing and safety, one rule a line', () => {
    const text = systemPrompt(DEFAULT_SYSTEM_TOKENS);
    for (const title of ['# Using tools', '# Working with git', '# Code style', '# Testing', '# Safety', '# Project notes'])
      expect(text).toContain(title);
    const rules = text.split('\n').filter((l) => l.startsWith('- '));
    expect(rules.length).toBeGreaterThan(100);
    for (const r of rules.slice(0, -1)) expect(r).toMatch(/^- (When .+, .+|In packages\/[a-z-]+, .+)\.$/);
  });

  test('a size out of range is refused with what is valid', () => {
    expect(() => systemPrompt(-1)).toThrow('system prompt tokens must be a whole number from 0 to 100000, got -1');
    expect(() => systemPrompt(1.5)).toThrow(RangeError);
  });
});
