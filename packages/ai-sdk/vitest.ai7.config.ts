// The AI SDK adapter's suite on the newest major of `ai` (7, which needs Node >= 22) instead of
// the 6 the workspace resolves: `ai` and `@ai-sdk/anthropic` are aliased to the copies installed
// under npm aliases (root devDependencies `ai-v7`, `ai-sdk-anthropic-v4`).
//   BGTASKS_RUNTIMES=node24,bun,deno npm test -- --config packages/ai-sdk/vitest.ai7.config.ts packages/ai-sdk
import { defineConfig, mergeConfig } from 'vitest/config';
import root from '../../vitest.config.ts';

export default mergeConfig(
  root,
  defineConfig({
    root: new URL('../..', import.meta.url).pathname,
    resolve: {
      alias: [
        { find: /^ai(\/.*)?$/, replacement: 'ai-v7$1' },
        { find: /^@ai-sdk\/anthropic(\/.*)?$/, replacement: 'ai-sdk-anthropic-v4$1' },
      ],
    },
  }),
);
