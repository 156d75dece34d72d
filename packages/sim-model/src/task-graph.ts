/**
 * The scenario as a task graph for the benchmark (durations, dependencies, think costs: enough
 * to compute a lower bound), and the shell command of each job.
 */
import { DEFAULT_PACING, estimateTokens, type Pacing } from './pacing.ts';
import type { Scenario, ScenarioJob } from './scenario.ts';

/** A job node of the {@link TaskGraph}. */
export interface TaskGraphJob {
  id: string;
  /** Run time at the graph's scale, ms. */
  durationMs: number;
  exitCode: number;
  after: string[];
  ifFailed: string[];
  /** Jobs the model kills when it sees this one fail. */
  kills: string[];
  command: string;
}

/** A think step of the {@link TaskGraph}. */
export interface TaskGraphThink {
  id: string;
  outputTokens: number;
  after: string[];
  ifFailed: string[];
}

/** What the benchmark needs of a scenario. */
export interface TaskGraph {
  name: string;
  scale: number;
  jobs: TaskGraphJob[];
  think: TaskGraphThink[];
  final: { outputTokens: number };
}

function seconds(s: number): string {
  return String(Math.round(s * 1000) / 1000);
}

/**
 * The command that runs `job`: its own `command`, or `sleep <durationS * scale>` then an `echo`
 * of its output and an `exit` with its code; that form runs the same on a real shell and on the
 * virtual runtime's default script.
 */
export function jobCommand(job: ScenarioJob, scale = 1): string {
  if (job.command !== undefined) return job.command;
  const output = job.output ?? (job.exitCode === 0 ? `${job.id} ok` : `${job.id} failed with exit code ${job.exitCode}`);
  if (job.ready) {
    // A server: ready after afterS, then serves until killed (or durationS passes).
    return [`sleep ${seconds(job.ready.afterS * scale)}`, `echo "${output}"`, `sleep ${seconds(job.durationS * scale)}`].join(
      ' && ',
    );
  }
  const parts = [`sleep ${seconds(job.durationS * scale)}`, `echo "${output}"`];
  if (job.exitCode !== 0) parts.push(`exit ${job.exitCode}`);
  return parts.join(' && ');
}

/** The task graph of `scenario` at `scale` (job durations multiply by it). */
export function taskGraph(
  scenario: Scenario,
  options: { scale?: number; pacing?: Pick<Pacing, 'charsPerToken'> } = {},
): TaskGraph {
  const scale = options.scale ?? 1;
  const pacing = options.pacing ?? DEFAULT_PACING;
  return {
    name: scenario.name,
    scale,
    jobs: scenario.jobs.map((j) => ({
      id: j.id,
      durationMs: Math.round(j.durationS * scale * 1000),
      exitCode: j.exitCode,
      after: [...j.after],
      ifFailed: [...j.ifFailed],
      kills: [...j.onFailure.kill],
      command: jobCommand(j, scale),
    })),
    think: scenario.think.map((t) => ({
      id: t.id,
      outputTokens: t.outputTokens,
      after: [...t.after],
      ifFailed: [...t.ifFailed],
    })),
    final: { outputTokens: scenario.final.outputTokens ?? estimateTokens(scenario.final.text, pacing) },
  };
}
