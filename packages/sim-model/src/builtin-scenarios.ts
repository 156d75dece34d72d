/**
 * Scenarios that ship with the simulated model, one per benchmark workload. `default` runs in a
 * few seconds of real time (4 jobs of 1-3 s). Validated when asked for, not at module load.
 */
import { InvalidScenarioError } from './errors.ts';
import { parseScenario, type Scenario, type ScenarioInput } from './scenario.ts';

const PLAN = 'Plan: install the dependencies first, then run the checks in parallel while I read the code.';

const SCENARIOS = {
  default: {
    name: 'default',
    description: 'Install, then lint, test and build in parallel while reviewing the change; about 6 s of jobs.',
    prompt: 'Install the dependencies, then run lint, the tests and the build, and tell me whether the change is ready.',
    jobs: [
      { id: 'install', durationS: 2, output: 'added 214 packages in 2s' },
      { id: 'lint', durationS: 1, after: ['install'], output: 'lint: no problems' },
      { id: 'test', durationS: 3, after: ['install'], output: 'tests: 48 passed' },
      { id: 'build', durationS: 2, after: ['install'], output: 'build: dist written' },
    ],
    think: [
      { id: 'plan', text: PLAN, outputTokens: 60 },
      { id: 'review', text: 'While the checks run, I review the diff of the change.', outputTokens: 150, after: ['install'] },
      {
        id: 'summarise',
        text: 'The checks are done; summarising what they showed.',
        outputTokens: 80,
        after: ['lint', 'test', 'build', 'review'],
      },
    ],
    final: {
      text: 'Done: install, lint, tests and build all passed ({completed}). The change is ready.',
      failureText: 'Not ready: {failed} failed. See the output above before merging.',
    },
  },
  independent: {
    name: 'independent',
    description: 'Four independent jobs of different lengths and a little thinking.',
    prompt: 'Run the four checks (lint, typecheck, unit tests, docs build) and report.',
    jobs: [
      { id: 'lint', durationS: 20 },
      { id: 'typecheck', durationS: 45 },
      { id: 'unit', durationS: 120 },
      { id: 'docs', durationS: 60 },
    ],
    think: [{ id: 'plan', text: 'The four checks do not depend on each other, so I start them all at once.', outputTokens: 80 }],
    final: { text: 'All four checks passed: {completed}.', failureText: 'Some checks failed: {failed}.' },
  },
  chain: {
    name: 'chain',
    description: 'A chain: each job needs the one before it.',
    prompt: 'Install, build, then run the integration tests and deploy to staging.',
    jobs: [
      { id: 'install', durationS: 30 },
      { id: 'build', durationS: 60, after: ['install'] },
      { id: 'integration', durationS: 120, after: ['build'] },
      { id: 'deploy', durationS: 45, after: ['integration'] },
    ],
    think: [
      { id: 'plan', text: 'Each step needs the previous one, so they run in order.', outputTokens: 60 },
      {
        id: 'check-build',
        text: 'The build is done; checking its size report before the tests.',
        outputTokens: 200,
        after: ['build'],
      },
    ],
    final: { text: 'Deployed to staging after install, build and integration tests.', failureText: 'Stopped: {failed} failed.' },
  },
  'fan-out-fan-in': {
    name: 'fan-out-fan-in',
    description: 'Install, then three checks in parallel, then a build that needs all three.',
    prompt: 'Install, run lint, typecheck and tests, and if they pass build the release.',
    jobs: [
      { id: 'install', durationS: 30 },
      { id: 'lint', durationS: 15, after: ['install'] },
      { id: 'typecheck', durationS: 40, after: ['install'] },
      { id: 'test', durationS: 90, after: ['install'] },
      { id: 'release', durationS: 60, after: ['lint', 'typecheck', 'test'] },
    ],
    think: [
      { id: 'plan', text: 'Install first; the three checks can then run side by side.', outputTokens: 80 },
      { id: 'review', text: 'Reviewing the diff while the checks run.', outputTokens: 400, after: ['install'] },
    ],
    final: { text: 'Release built after lint, typecheck and tests passed.', failureText: 'No release: {failed} failed.' },
  },
  'job-bound': {
    name: 'job-bound',
    description: 'Long jobs, little thinking: the makespan is the critical path of jobs.',
    prompt: 'Build the docker image and run the full test suite.',
    jobs: [
      { id: 'docker', durationS: 300 },
      { id: 'suite', durationS: 240 },
    ],
    think: [{ id: 'plan', text: 'Both are slow and independent; starting both now.', outputTokens: 50 }],
    final: { text: 'Image built and suite passed.', failureText: '{failed} failed.' },
  },
  'think-bound': {
    name: 'think-bound',
    description: 'Short jobs, a lot of thinking: the makespan is the model’s own time.',
    prompt: 'Run the quick checks and write a detailed review of the change.',
    jobs: [
      { id: 'lint', durationS: 5 },
      { id: 'unit', durationS: 10 },
    ],
    think: [
      { id: 'read', text: 'Reading the whole change carefully.', outputTokens: 800 },
      { id: 'review', text: 'Writing the review of the design.', outputTokens: 1200, after: ['read'] },
      { id: 'tests-note', text: 'Noting what the checks showed.', outputTokens: 200, after: ['lint', 'unit', 'review'] },
    ],
    final: { text: 'Review written; lint and unit tests passed.', failureText: 'Review written; {failed} failed.' },
  },
  'early-failure': {
    name: 'early-failure',
    description: 'Lint fails fast while the slow jobs run; the model stops them and changes the plan.',
    prompt: 'Run lint, the tests and the build; fix what fails.',
    jobs: [
      {
        id: 'lint',
        durationS: 5,
        exitCode: 1,
        output: 'src/app.ts:12:3 error: unused variable tmp',
        onFailure: { kill: ['test', 'build'] },
      },
      { id: 'test', durationS: 120 },
      { id: 'build', durationS: 90 },
      { id: 'lint-fix', durationS: 3, ifFailed: ['lint'], after: ['diagnose'], output: 'lint: no problems after fix' },
    ],
    think: [
      { id: 'plan', text: 'Starting lint, tests and build together.', outputTokens: 50 },
      { id: 'diagnose', text: 'Lint failed on an unused variable; removing it.', outputTokens: 250, ifFailed: ['lint'] },
    ],
    final: {
      text: 'All checks passed.',
      failureText:
        'Lint failed ({failed}); I stopped the tests and the build, fixed the unused variable and lint passes now. Rerun the tests next.',
    },
  },
  'dev-server': {
    name: 'dev-server',
    description:
      'Start a dev server, wait until it is ready (ready pattern, bg_wait until), run the end-to-end tests against it, stop it.',
    prompt: 'Start the dev server, run the end-to-end tests against it once it is up, then stop it.',
    jobs: [
      {
        id: 'server',
        durationS: 600,
        output: 'listening on 127.0.0.1:5173',
        ready: { pattern: 'listening on \\S+:\\d+', afterS: 1.5 },
      },
      { id: 'e2e', durationS: 2, after: ['server'], output: 'e2e: 12 passed' },
    ],
    think: [{ id: 'plan', text: 'The tests need the server up: I start it and wait until it listens.', outputTokens: 40 }],
    final: {
      text: 'The end-to-end tests passed against the dev server ({completed}); the server is stopped.',
      failureText: 'The end-to-end run did not pass: {failed} failed; the server is stopped.',
    },
  },
} satisfies Record<string, ScenarioInput>;

/** Names of the built-in scenarios. */
export type BuiltinScenarioName = keyof typeof SCENARIOS;

/** Names of the built-in scenarios, `default` first. */
export const BUILTIN_SCENARIO_NAMES = Object.keys(SCENARIOS) as BuiltinScenarioName[];

/**
 * A built-in scenario, validated.
 * @throws InvalidScenarioError for an unknown name, listing the known ones.
 */
export function builtinScenario(name: string): Scenario {
  const input = (SCENARIOS as Record<string, ScenarioInput>)[name];
  if (!input) {
    throw new InvalidScenarioError([
      { path: 'name', message: `no built-in scenario "${name}"; known: ${BUILTIN_SCENARIO_NAMES.join(', ')}` },
    ]);
  }
  return parseScenario(input, { source: `built-in scenario "${name}"` });
}
