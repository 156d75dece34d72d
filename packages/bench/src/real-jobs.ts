/**
 * W8, the real-jobs workload: the agent's jobs are this repository's own commands, run on a
 * temporary copy of it (install from the lock, then typecheck, lint and one package's tests side
 * by side, a think step reading their results, the answer). Built in code because every command
 * names the copy's directory. Opt-in (`npm run bench:real-jobs`), never part of `npm run bench`.
 */
import { parseScenario, type Scenario, type ScenarioInput } from '@bgtasks/sim-model';
import * as z from 'zod';
import type { Workload } from './workload.ts';

/** The id of the real-jobs workload in rows and tables. */
export const REAL_JOBS_WORKLOAD_ID = 'W8';

/** The four jobs of W8, in the order the graph lists them. */
export const REAL_JOB_IDS = ['install', 'typecheck', 'lint', 'test'] as const;
export type RealJobId = (typeof REAL_JOB_IDS)[number];

/**
 * What each job runs inside the copy (`cd <copy> && ...` is added). Nothing downloads: `npm ci`
 * installs from the lock out of the npm cache (`--offline`) without install scripts. The typecheck
 * is one `tsc` over the bench package, which through the `@bgtasks/source` condition checks the
 * sources of every package it imports (agent, polling, inject, sim-model, runtime, core): the
 * repository-wide `npm run typecheck` (turbo, 13 `tsc` at once) took 70-160 s on the shared
 * 2-core machine, too long for 15 runs in a row; it would also need turbo's `--force`, since its
 * cache makes every run after the first instant.
 */
export const REAL_JOB_COMMANDS: Readonly<Record<RealJobId, string>> = {
  install: 'npm ci --offline --ignore-scripts --no-audit --no-fund',
  typecheck: 'npx tsc -p packages/bench/tsconfig.json',
  lint: 'npm run lint',
  test: 'npx vitest run packages/core',
};

/**
 * Estimates, seconds, measured once on the 2-core machine this was written on (loaded): they only
 * set the jobs' timeouts and the a-priori bound; W8's rows use the durations measured in the run.
 */
export const REAL_JOB_ESTIMATES_S: Readonly<Record<RealJobId, number>> = { install: 20, typecheck: 10, lint: 3, test: 80 };

/** Each job is timed out after this long, so a hung command ends as `timed_out` (a failure), never hangs the run. */
export const REAL_JOB_TIMEOUTS_S: Readonly<Record<RealJobId, number>> = { install: 300, typecheck: 600, lint: 300, test: 600 };

/** A directory the commands may `cd` into: absolute, nothing the shell would expand or a quote would end. */
export const COPY_DIR_PATTERN = /^\/[A-Za-z0-9._/+-]*$/;

const CopyDirSchema = z
  .string()
  .regex(COPY_DIR_PATTERN, 'must be an absolute path of letters, digits and . _ / + - only (it is quoted into shell commands)');

/** Options of {@link realJobsWorkload}. */
export interface RealJobsOptions {
  /** Replace the command of some jobs (still run inside the copy); tests pass `true` or `exit 1`. */
  commands?: Partial<Record<RealJobId, string>>;
  /** Seed of the simulated model. Default 1. */
  seed?: number;
}

/**
 * The W8 scenario for a copy of the repository at `dir`.
 *
 * On failure: a failed (or timed-out) install skips every check and the review; a failed check
 * skips the review, the model still waits for the other checks (nothing is killed: each reports
 * on its own) and answers with `failureText`, which names what failed.
 */
export function realJobsScenario(dir: string, options: RealJobsOptions = {}): Scenario {
  const at = CopyDirSchema.parse(dir);
  const command = (id: RealJobId) => `cd '${at}' && ${options.commands?.[id] ?? REAL_JOB_COMMANDS[id]}`;
  const job = (id: RealJobId, after: string[] = []) => ({
    id,
    durationS: REAL_JOB_ESTIMATES_S[id],
    timeoutS: REAL_JOB_TIMEOUTS_S[id],
    command: command(id),
    after,
  });
  const input: ScenarioInput = {
    name: 'real-jobs',
    description: "This repository's own install, typecheck, lint and core tests on a temporary copy.",
    prompt:
      'Install the repository from its lock file, then typecheck it, lint it and run the core tests; tell me whether it is green.',
    jobs: [job('install'), job('typecheck', ['install']), job('lint', ['install']), job('test', ['install'])],
    think: [
      {
        id: 'plan',
        text: 'Installing from the lock first; typecheck, lint and the core tests can then run side by side.',
        outputTokens: 60,
      },
      {
        id: 'review',
        text: 'Reading the typecheck, lint and test output: no errors, no failed tests.',
        outputTokens: 250,
        after: ['typecheck', 'lint', 'test'],
      },
    ],
    final: {
      text: 'Green: the install from the lock, the typecheck, lint and the core tests all passed ({completed}).',
      failureText: 'Not green: {failed} failed (see its output above); the jobs that passed: {completed}.',
    },
    maxTurns: 1000,
  };
  return parseScenario(input, { source: 'W8 (real-jobs.ts)' });
}

/**
 * W8 as a {@link Workload} for `runWorkload` (real clock only: its jobs are real commands).
 * @example
 * const workload = realJobsWorkload('/tmp/bgtasks-w8-abc123');
 */
export function realJobsWorkload(dir: string, options: RealJobsOptions = {}): Workload {
  return { id: REAL_JOBS_WORKLOAD_ID, scenario: realJobsScenario(dir, options), seed: options.seed ?? 1 };
}
