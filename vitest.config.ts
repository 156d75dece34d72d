import { defineConfig } from 'vitest/config';

// Vite resolves package exports itself, so tell it which runtime we are on: the first
// matching key of an exports map ("bun", "deno", "node") then picks the same file the
// runtime itself would load. "@bgtasks/source" (our own condition, first in every exports entry) makes
// the workspace packages resolve to src/*.ts, so the suite runs the sources without a build.
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const runtimeCondition = g.Bun !== undefined ? 'bun' : g.Deno !== undefined ? 'deno' : 'node';
const conditions = ['@bgtasks/source', runtimeCondition, 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: process.env.BGTASKS_VITEST_JSON
      ? ['default', ['json', { outputFile: process.env.BGTASKS_VITEST_JSON }]]
      : ['default'],
  },
});
