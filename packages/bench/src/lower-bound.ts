/**
 * The lower bound of a workload's makespan: no strategy, however it learns about jobs, can
 * finish sooner. See the README ("Lower bound") for the derivation.
 */
import { DEFAULT_PACING, estimateTokens, type Pacing, type TaskGraph } from '@bgtasks/sim-model';
import { bestSchedule, type ScheduleStep } from './internal/best-schedule.ts';

/** The bound and its two terms, ms. */
export interface LowerBound {
  /** max(requiredTurnsMs, criticalPathMs, scheduleMs). */
  lowerBoundMs: number;
  /** The model is serial: the fewest turns times the time to first token, plus every required output token (think steps, the calls that start jobs, the answer). */
  requiredTurnsMs: number;
  /** Longest path of turns and jobs to the final answer, with no waiting anywhere. */
  criticalPathMs: number;
  /** Fewest turns: one, plus one for every job on the longest dependency chain (its result comes back in a new request). */
  minTurns: number;
  /**
   * The fastest schedule of the required steps in model turns, where a job starts only when the
   * turn that calls it ends and every turn pays its time to first token; `null` when the graph is
   * too big to search (more than 30 steps), and then the bound is the two terms above.
   */
  scheduleMs: number | null;
  /** The turns of that schedule: the ids each one writes (the last also writes the answer). */
  scheduleTurns: string[][];
  /** Ids of the jobs and think steps that must happen (plan B only if plan A fails; cancelled jobs left out). */
  required: string[];
}

type Outcome = 'ok' | 'failed' | 'skipped';

/** Which nodes run, given every job's exit code: plan B runs only after a failure; kills cancel. */
function outcomes(graph: TaskGraph): Map<string, Outcome> {
  const deps = new Map<string, { after: string[]; ifFailed: string[]; job: boolean; exitCode: number }>([
    ...graph.jobs.map((j): [string, { after: string[]; ifFailed: string[]; job: boolean; exitCode: number }] => [
      j.id,
      { after: j.after, ifFailed: j.ifFailed, job: true, exitCode: j.exitCode },
    ]),
    ...graph.think.map((t): [string, { after: string[]; ifFailed: string[]; job: boolean; exitCode: number }] => [
      t.id,
      { after: t.after, ifFailed: t.ifFailed, job: false, exitCode: 0 },
    ]),
  ]);
  let cancelled = new Set<string>();
  for (let round = 0; round <= graph.jobs.length; round++) {
    const out = new Map<string, Outcome>();
    const visit = (id: string): Outcome => {
      const known = out.get(id);
      if (known) return known;
      const d = deps.get(id);
      let o: Outcome = 'skipped';
      if (d && !cancelled.has(id) && d.after.every((x) => visit(x) === 'ok') && d.ifFailed.every((x) => visit(x) === 'failed'))
        o = d.exitCode === 0 ? 'ok' : 'failed';
      out.set(id, o);
      return o;
    };
    for (const id of deps.keys()) visit(id);
    const next = new Set(graph.jobs.filter((j) => out.get(j.id) === 'failed').flatMap((j) => j.kills));
    if (next.size === cancelled.size && [...next].every((id) => cancelled.has(id))) return out;
    cancelled = next;
  }
  throw new Error(`the kills of task graph "${graph.name}" do not settle`);
}

/**
 * The lower bound of `graph` under `pacing` (only `ttftMs` and `outputTokensPerSecond` matter).
 * @example
 * const { lowerBoundMs } = lowerBound(taskGraph(scenario));
 */
export function lowerBound(
  graph: TaskGraph,
  pacing: Pick<Pacing, 'ttftMs' | 'outputTokensPerSecond' | 'charsPerToken'> = DEFAULT_PACING,
): LowerBound {
  const ttft = pacing.ttftMs;
  const gen = (tokens: number) => (tokens / pacing.outputTokensPerSecond) * 1000;
  const outcome = outcomes(graph);
  const runs = (id: string) => outcome.get(id) !== 'skipped';
  const jobs = new Map(graph.jobs.filter((j) => runs(j.id)).map((j) => [j.id, j]));
  const thinks = new Map(graph.think.filter((t) => runs(t.id)).map((t) => [t.id, t]));
  // A job starts when the turn that asks for it ends, after the call is written out: the
  // shortest call any strategy can make is `bash {command}`.
  const callTokens = (command: string) => estimateTokens(JSON.stringify({ name: 'bash', input: { command } }), pacing);

  // The model plans before it acts: the first turn writes the steps that need nothing, then starts jobs.
  const roots = [...thinks.values()].filter((t) => t.after.length === 0 && t.ifFailed.length === 0);
  const firstTurnEnd = ttft + gen(roots.reduce((s, t) => s + t.outputTokens, 0));

  // Earliest time each node's result is available, and the turn (0-based) it can be seen in.
  const avail = new Map<string, number>();
  const turnOf = new Map<string, number>();
  /** When a turn that needs `inputs` can end its text, and the earliest such turn. */
  const inputs = (ids: readonly string[]): { at: number; turn: number } => {
    let jobReady = 0;
    let thinkReady = 0;
    let turn = 0;
    for (const id of ids) {
      const t = timeOf(id);
      if (jobs.has(id)) {
        jobReady = Math.max(jobReady, t);
        turn = Math.max(turn, (turnOf.get(id) ?? 0) + 1);
      } else {
        thinkReady = Math.max(thinkReady, t);
        turn = Math.max(turn, turnOf.get(id) ?? 0);
      }
    }
    // A job's result needs a new request: its time to first token comes after the job ends.
    // Think steps that feed each other may share one turn: no second time to first token.
    return { at: Math.max(jobReady + ttft, thinkReady, firstTurnEnd), turn };
  };
  const timeOf = (id: string): number => {
    const known = avail.get(id);
    if (known !== undefined) return known;
    const job = jobs.get(id);
    const step = thinks.get(id);
    const { at, turn } = inputs([...(job ?? step)!.after, ...(job ?? step)!.ifFailed]);
    const rootStep = step && step.after.length === 0 && step.ifFailed.length === 0;
    const t = job
      ? at + gen(callTokens(job.command)) + job.durationMs
      : rootStep
        ? ttft + gen(step.outputTokens)
        : at + gen(step!.outputTokens);
    avail.set(id, t);
    turnOf.set(id, turn);
    return t;
  };
  const all = [...jobs.keys(), ...thinks.keys()];
  const last = inputs(all);
  const criticalPathMs = last.at + gen(graph.final.outputTokens);
  const minTurns = last.turn + 1;
  const tokens =
    [...thinks.values()].reduce((s, t) => s + t.outputTokens, 0) +
    [...jobs.values()].reduce((s, j) => s + callTokens(j.command), 0) +
    graph.final.outputTokens;
  const requiredTurnsMs = minTurns * ttft + gen(tokens);

  const index = new Map(all.map((id, i) => [id, i]));
  const steps: ScheduleStep[] = all.map((id) => {
    const job = jobs.get(id);
    const step = thinks.get(id);
    const node = (job ?? step)!;
    const deps = [...node.after, ...node.ifFailed].map((d) => index.get(d)!);
    return {
      id,
      tokens: job ? callTokens(job.command) : step!.outputTokens,
      ...(job ? { durationMs: job.durationMs } : {}),
      jobDeps: deps.filter((d) => jobs.has(all[d]!)),
      thinkDeps: deps.filter((d) => thinks.has(all[d]!)),
    };
  });
  const schedule = bestSchedule({
    steps,
    firstTurn: roots.map((t) => index.get(t.id)!),
    finalTokens: graph.final.outputTokens,
    ttftMs: ttft,
    msPerToken: gen(1),
    atLeast: Math.max(requiredTurnsMs, criticalPathMs),
  });
  const scheduleMs = schedule ? schedule.makespanMs : null;
  return {
    lowerBoundMs: Math.round(Math.max(requiredTurnsMs, criticalPathMs, scheduleMs ?? 0)),
    requiredTurnsMs: Math.round(requiredTurnsMs),
    criticalPathMs: Math.round(criticalPathMs),
    scheduleMs: scheduleMs === null ? null : Math.round(scheduleMs),
    scheduleTurns: schedule?.turns ?? [],
    minTurns,
    required: all,
  };
}
