/**
 * How the suite splits its files (read by vitest.config.ts and checked by test-groups.test.ts).
 *
 * - {@link PURE_LOGIC}: files whose tests touch no runtime API (no process, signal, pipe,
 *   server, timer, socket, fetch or bin; time, when it matters, is the virtual clock). What they
 *   test is the same JavaScript on every engine, so they run once, on the `node` pass of
 *   `npm test` (and in any plain `npx vitest run`), not again on Node 24, Bun and Deno.
 * - {@link ALONE}: files that read this process's memory (peak RSS) while a job floods it; they
 *   run after everything else, one file at a time and one runtime at a time, so no other test
 *   of the suite competes with them for CPU or memory.
 * - Everything else runs on all four runtimes, several files at once.
 *
 * A file belongs in PURE_LOGIC only when every test in it is pure logic; test-groups.test.ts
 * fails if a listed file mentions a runtime API. Reading a fixture file with `readFileSync`
 * (the workload definitions) is allowed: it is input, not what the test is about.
 */

/** Pure-logic test files, with why each is pure. Paths from the repository root. */
export const PURE_LOGIC: Readonly<Record<string, string>> = {
  'packages/bench/src/lower-bound.test.ts': "the lower bound's search and the virtual-clock runs it bounds",
  'packages/bench/src/measured-bound.test.ts': 'the bound computed from measured job records',
  'packages/bench/src/run-workload.test.ts': 'bench rows of a virtual-clock run',
  'packages/bench/src/prompt-cache-accounting.test.ts': 'token accounting of virtual-clock runs',
  'packages/bench/src/workloads.test.ts': 'the workload definitions and the random-graph generator',
  'packages/bench/src/cli-args.test.ts': "the bench's flag parser and progress text",
  'packages/bench/src/overhead-args.test.ts': 'a flag parser',
  'packages/bench/src/real-jobs-args.test.ts': 'a flag parser',
  'packages/bench/src/real-jobs.test.ts': 'the W8 scenario and its bound, as data',
  'packages/bench/src/real-jobs-report.test.ts': 'report text',
  'packages/bench/src/report.test.ts': 'report text',
  'packages/bench/src/report-w7.test.ts': 'report text',
  'packages/bench/src/summary.test.ts': 'summary table text and target checks',
  'packages/bench/src/stats.test.ts': "statistics (percentiles, Student's t)",
  'packages/bench/src/system-prompt.test.ts': 'prompt text',
  'packages/bench/src/what-to-choose.test.ts': 'advice text from result rows',
  'packages/core/src/delivery.test.ts': 'notice delivery on the virtual runtime',
  'packages/core/src/internal/deadlines.test.ts': 'deadline bookkeeping on a virtual clock',
  'packages/core/src/notice.test.ts': 'notice text and its parser',
  'packages/core/src/notice-kinds.test.ts': 'which notice supersedes which, in memory',
  'packages/core/src/notification-bus.test.ts': 'an in-memory bus',
  'packages/core/src/output-buffer.test.ts': 'an in-memory head/tail buffer',
  'packages/inject/src/inject.test.ts': 'message rewriting on the virtual runtime',
  'packages/mcp/src/event-store.test.ts': 'an in-memory event store',
  'packages/mcp/src/task-store.test.ts': 'the task store over the virtual runtime',
  'packages/runtime/src/internal/chunk-queue.test.ts': 'an in-memory queue (the adapters that feed it are tested per runtime)',
  'packages/runtime/src/virtual-capabilities.test.ts': 'the virtual runtime itself',
  'packages/sim-model/src/hostile-scenario-files.test.ts': 'the scenario parser on hostile text',
  'packages/sim-model/src/scenario-file.test.ts': 'the scenario parser',
  'packages/sim-model/src/knowledge.test.ts': "the simulated model's knowledge, as data",
  'packages/sim-model/src/request-tokens.test.ts': 'token counting of a parsed request',
  'packages/sim-model/src/tool-results.test.ts': 'reading job states from tool-result text',
  'packages/strategies/src/strategies.test.ts': 'strategy names to objects and their tools',
  'examples/agent/src/view.test.ts': 'terminal text layout',
};

/** Files that measure this process's peak RSS: run alone, after the rest. */
export const ALONE: readonly string[] = ['packages/core/src/full-log.test.ts', 'packages/core/src/executor-faults.test.ts'];

/**
 * The runtime of this `npm test` pass (`node`, `node24`, `bun`, `deno`), from
 * scripts/test-all.mjs; undefined when vitest runs directly (then every file runs).
 */
export function testPass(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env.BGTASKS_TEST_PASS || undefined;
}

/** Whether this pass runs the pure-logic files: the `node` pass, or a direct vitest run. */
export function runsPureLogic(pass: string | undefined): boolean {
  return pass === undefined || pass === 'node';
}
