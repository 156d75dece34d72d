import anthropicPackage from '@ai-sdk/anthropic/package.json' with { type: 'json' };
import aiPackage from 'ai/package.json' with { type: 'json' };
import { describe, expect, test } from 'vitest';

// Which `ai` the suite runs on: 6 by default, 7 (with @ai-sdk/anthropic 4) under
// packages/ai-sdk/vitest.ai7.config.ts. The adapter's files import `ai` the same way, so this is
// the copy they use too.
describe('the ai major the suite runs on', () => {
  test('is the one BGTASKS_AI_MAJOR names (6 unless set), with its @ai-sdk/anthropic', () => {
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
    const major = env?.BGTASKS_AI_MAJOR ?? '6';
    expect(aiPackage.version.split('.')[0]).toBe(major);
    expect(anthropicPackage.version.split('.')[0]).toBe(major === '7' ? '4' : '3');
  });
});
