import { availableParallelism, loadavg } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { ALONE, PURE_LOGIC, runsPureLogic, testPass } from './scripts/test-groups.ts';
import { defaultLayout } from './scripts/test-layout.mjs';

// Vite resolves package exports itself, so tell it which runtime we are on: the first
// matching key of an exports map ("bun", "deno", "node") then picks the same file the
// runtime itself would load. "@bgtasks/source" (our own condition, first in every exports entry) makes
// the workspace packages resolve to src/*.ts, so the suite runs the sources without a build.
const g = globalThis as { Bun?: unknown; Deno?: unknown };
const runtimeCondition = g.Bun !== undefined ? 'bun' : g.Deno !== undefined ? 'deno' : 'node';
const conditions = ['@bgtasks/source', runtimeCondition, 'node', 'import', 'module', 'default'];

// Two groups (see scripts/test-groups.ts and docs/testing.md): "parallel", several files at once
// (most tests wait on processes and timers, not on the CPU), then "alone", the files that read
// this process's peak memory, one at a time. Pure-logic files run on the `node` pass only.
const ALL = ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'scripts/**/*.test.ts'];
const pass = testPass(process.env);
/**
 * Files at once in the parallel group: BGTASKS_TEST_WORKERS (scripts/test-all.mjs sets it), else
 * by the machine's load (vitest's own default, cores - 1, is 1 file at a time on 2 cores).
 */
const workers = Number(process.env.BGTASKS_TEST_WORKERS) || defaultLayout(availableParallelism(), loadavg()[0] ?? 0).workers;

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: process.env.BGTASKS_VITEST_JSON
      ? ['default', ['json', { outputFile: process.env.BGTASKS_VITEST_JSON }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ALL,
          exclude: [...configDefaults.exclude, ...ALONE, ...(runsPureLogic(pass) ? [] : Object.keys(PURE_LOGIC))],
          maxWorkers: workers,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: [...ALONE], maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
