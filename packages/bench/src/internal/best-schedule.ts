/**
 * The fastest way to lay a task graph out in model turns, found by branch and bound over which
 * steps each turn writes. It solves a relaxation that every run of the benchmark obeys (see the
 * README, "Lower bound"), so its optimum is a valid lower bound of any run's makespan.
 */

/** A step of the schedule: a think step (tokens only) or a job (the call's tokens, then its run). */
export interface ScheduleStep {
  id: string;
  /** Output tokens the turn that takes this step writes: the think text, or the call that starts the job. */
  tokens: number;
  /** Jobs only: run time from the end of the turn that starts it, ms. */
  durationMs?: number;
  /** Indices of the jobs whose end this step must have seen (in a request sent after they ended). */
  jobDeps: number[];
  /** Indices of the think steps this step follows (written in the same turn or an earlier one). */
  thinkDeps: number[];
}

/** What {@link bestSchedule} needs. */
export interface ScheduleProblem {
  steps: ScheduleStep[];
  /** Indices every first turn writes (the model plans before it acts). */
  firstTurn: number[];
  finalTokens: number;
  ttftMs: number;
  msPerToken: number;
  /** Subsets tried before giving up (then the result is `undefined`). Default 500,000. */
  budget?: number;
  /**
   * A known lower bound of the makespan: the search stops as soon as it finds a schedule this
   * fast, which is then optimal or no faster than `atLeast`.
   */
  atLeast?: number;
}

/** The optimum of {@link bestSchedule}. */
export interface BestSchedule {
  makespanMs: number;
  /** Ids each turn writes, in turn order; the last turn also writes the answer. */
  turns: string[][];
}

const MAX_STEPS = 30; // bit masks

/**
 * The least makespan of any turn schedule of `problem`, or `undefined` when the graph is too big
 * (more than 30 steps) or the search passes its budget.
 */
export function bestSchedule(problem: ScheduleProblem): BestSchedule | undefined {
  const { steps, ttftMs: T, msPerToken: r } = problem;
  const n = steps.length;
  if (n > MAX_STEPS) return undefined;
  const finalMs = problem.finalTokens * r;
  const all = n === 0 ? 0 : 2 ** n - 1;
  const bit = (i: number) => 2 ** i;
  const isJob = steps.map((s) => s.durationMs !== undefined);
  const jobDepMask = steps.map((s) => s.jobDeps.reduce((m, d) => m | bit(d), 0));
  const thinkDepMask = steps.map((s) => s.thinkDeps.reduce((m, d) => m | bit(d), 0));
  const jobsMask = steps.reduce((m, _s, i) => (isJob[i] ? m | bit(i) : m), 0);
  const firstMask = problem.firstTurn.reduce((m, i) => m | bit(i), 0);

  // rest[i]: least time from the start of the turn that takes step i to the end of the run.
  const rest = new Array<number>(n).fill(Number.NaN);
  const restOf = (i: number): number => {
    if (!Number.isNaN(rest[i])) return rest[i]!;
    const s = steps[i]!;
    let out: number;
    if (isJob[i]) {
      let after = T + finalMs;
      for (let k = 0; k < n; k++) if (jobDepMask[k]! & bit(i)) after = Math.max(after, restOf(k));
      out = T + s.tokens * r + s.durationMs! + after;
    } else {
      out = T + s.tokens * r + finalMs;
      for (let k = 0; k < n; k++) if (thinkDepMask[k]! & bit(i)) out = Math.max(out, restOf(k) + s.tokens * r);
    }
    rest[i] = out;
    return out;
  };
  for (let i = 0; i < n; i++) restOf(i);
  // turnsFrom[i]: fewest turns from the one that takes step i to the answer's, inclusive.
  const turnsFrom = new Array<number>(n).fill(0);
  const turnsOf = (i: number): number => {
    if (turnsFrom[i]) return turnsFrom[i]!;
    let out = 1;
    for (let k = 0; k < n; k++) {
      if (jobDepMask[k]! & bit(i)) out = Math.max(out, turnsOf(k) + 1);
      if (thinkDepMask[k]! & bit(i)) out = Math.max(out, turnsOf(k));
    }
    if (isJob[i]) out = Math.max(out, 2);
    turnsFrom[i] = out;
    return out;
  };
  for (let i = 0; i < n; i++) turnsOf(i);
  // after[j]: the steps that need job j's end, directly or through other steps.
  const after = new Array<number>(n).fill(0);
  for (let j = n - 1; j >= 0; j--) {
    if (!isJob[j]) continue;
    let mask = 0;
    for (let grew = true; grew; ) {
      grew = false;
      for (let k = 0; k < n; k++) {
        if (mask & bit(k)) continue;
        if (jobDepMask[k]! & bit(j) || (jobDepMask[k]! | thinkDepMask[k]!) & mask) {
          mask |= bit(k);
          grew = true;
        }
      }
    }
    after[j] = mask;
  }

  let best = Number.POSITIVE_INFINITY;
  let bestTurns: number[] = [];
  const turns: number[] = [];
  const seen = new Map<number, Float64Array[]>();
  let tried = 0;
  const budget = problem.budget ?? 500_000;

  /** A lower bound of the makespan from a state: `done` written, the last turn ended at `at`. */
  const floor = (done: number, at: number, ends: Float64Array): number => {
    let tokens = problem.finalTokens;
    let lb = 0;
    let turnsLeft = 1;
    for (let i = 0; i < n; i++) {
      if (done & bit(i)) continue;
      tokens += steps[i]!.tokens;
      turnsLeft = Math.max(turnsLeft, turnsFrom[i]!);
      let start = at;
      for (const d of steps[i]!.jobDeps) if (done & bit(d)) start = Math.max(start, ends[d]!);
      lb = Math.max(lb, start + rest[i]!);
    }
    // A job that still runs: what needs it is written in turns that start after it ends.
    for (let j = 0; j < n; j++) {
      if (!(isJob[j] && done & bit(j)) || ends[j]! <= at) continue;
      let needTokens = problem.finalTokens;
      let needTurns = 1;
      for (let k = 0; k < n; k++) {
        if (!(after[j]! & bit(k)) || done & bit(k)) continue;
        needTokens += steps[k]!.tokens;
        needTurns = Math.max(needTurns, turnsFrom[k]!);
      }
      lb = Math.max(lb, ends[j]! + needTurns * T + needTokens * r);
    }
    return Math.max(lb, at + turnsLeft * T + tokens * r);
  };
  /** True when a state as good or better with the same steps written was already searched. */
  const dominated = (done: number, at: number, ends: Float64Array): boolean => {
    const key = [at, ...Array.from({ length: n }, (_, i) => (isJob[i] && done & bit(i) ? ends[i]! : 0))];
    const list = seen.get(done) ?? [];
    for (const other of list) if (other.every((v, i) => v <= key[i]!)) return true;
    list.push(Float64Array.from(key));
    seen.set(done, list);
    return false;
  };
  let enough = problem.atLeast ?? 0;
  const finish = (makespan: number): void => {
    if (makespan < best) {
      best = makespan;
      bestTurns = [...turns];
      if (best <= enough) throw new Found();
    }
  };

  const search = (done: number, at: number, ends: Float64Array): void => {
    if (floor(done, at, ends) >= best || dominated(done, at, ends)) return;
    let frontier = 0;
    for (let i = 0; i < n; i++) if (!(done & bit(i)) && (jobDepMask[i]! & ~done) === 0) frontier |= bit(i);
    for (let sub = frontier; sub > 0; sub = (sub - 1) & frontier) {
      if (++tried > budget) throw new BudgetSpent();
      if (done === 0 && (sub & firstMask) !== firstMask) continue;
      let start = at;
      let tokens = 0;
      let closed = true;
      for (let i = 0; i < n && closed; i++) {
        if (!(sub & bit(i))) continue;
        if (thinkDepMask[i]! & ~(done | sub)) closed = false;
        for (const d of steps[i]!.jobDeps) start = Math.max(start, ends[d]!);
        tokens += steps[i]!.tokens;
      }
      if (!closed) continue;
      const end = start + T + tokens * r;
      const next = Float64Array.from(ends);
      for (let i = 0; i < n; i++) if (sub & bit(i) && isJob[i]) next[i] = end + steps[i]!.durationMs!;
      turns.push(sub);
      if ((done | sub) === all) {
        let lastEnd = 0;
        for (let i = 0; i < n; i++) if (isJob[i]) lastEnd = Math.max(lastEnd, next[i]!);
        // The answer in this turn (it must have seen every job end) or in a turn of its own.
        if ((sub & jobsMask) === 0) finish(Math.max(start, lastEnd) + T + (tokens * r + finalMs));
        finish(Math.max(end, lastEnd) + T + finalMs);
      } else search(done | sub, end, next);
      turns.pop();
    }
  };
  try {
    if (n === 0) finish(T + finalMs);
    else {
      enough = Math.max(enough, floor(0, 0, new Float64Array(n)));
      search(0, 0, new Float64Array(n));
    }
  } catch (error) {
    if (error instanceof BudgetSpent) return undefined;
    if (!(error instanceof Found)) throw error;
  }
  return {
    makespanMs: best,
    turns: bestTurns.map((m) => steps.filter((_s, i) => m & bit(i)).map((s) => s.id)),
  };
}

class BudgetSpent extends Error {}
class Found extends Error {}
