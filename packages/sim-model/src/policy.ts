/**
 * What a sensible model does next, given only what it knows: start every job that is ready
 * (in parallel in the background, or one by one in the foreground), think while they run, stop
 * what a failure made pointless, start dependent jobs once their dependencies are seen done, wait
 * the way the strategy says, and answer once everything it needs is seen.
 */
import { isFinalSeen, type Knowledge } from './knowledge.ts';
import type { Pacing } from './pacing.ts';
import type { PollPolicy, Scenario, ScenarioJob, ThinkStep } from './scenario.ts';
import type { SimStrategy } from './strategy.ts';
import { jobCommand } from './task-graph.ts';
import { padText } from './think-text.ts';

/** A tool call the model makes. */
export interface PlannedCall {
  name: string;
  input: Record<string, unknown>;
}

/** What kind of turn this is, for transcripts and the benchmark's counts. */
export type TurnKind = 'productive' | 'poll' | 'idle' | 'final';

/** The model's next response before it is shaped into a message. */
export interface PlannedTurn {
  texts: string[];
  calls: PlannedCall[];
  stopReason: 'tool_use' | 'end_turn';
  kind: TurnKind;
}

/** Inputs of {@link planTurn}. */
export interface PlanContext {
  scenario: Scenario;
  knowledge: Knowledge;
  strategy: SimStrategy;
  pollPolicy: PollPolicy;
  scale: number;
  seed: number;
  pacing: Pacing;
  /** Names of the tools the request offers: the model calls no other. */
  tools: ReadonlySet<string>;
}

type Node = { kind: 'job'; job: ScenarioJob } | { kind: 'think'; step: ThinkStep };

function list(ids: readonly string[]): string {
  if (ids.length <= 1) return ids.join('');
  return `${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`;
}

/** Plans the next response. */
export function planTurn(ctx: PlanContext): PlannedTurn {
  const { scenario, knowledge: k, strategy, pollPolicy, scale } = ctx;
  const thoughts = new Set(k.thoughts);
  const nodes = new Map<string, Node>([
    ...scenario.jobs.map((job): [string, Node] => [job.id, { kind: 'job', job }]),
    ...scenario.think.map((step): [string, Node] => [step.id, { kind: 'think', step }]),
  ]);
  const stateOf = (id: string) => k.states.get(id)?.state;
  const failed = (id: string) => {
    const s = stateOf(id);
    return s === 'failed' || s === 'timed_out' || s === 'lost' || s === 'killed';
  };
  const node = (id: string) => nodes.get(id);
  // A server is "done" for the jobs after it once the model has seen it ready: it keeps running.
  const succeeded = (id: string) => {
    const n = node(id);
    if (n?.kind === 'think') return thoughts.has(id);
    return stateOf(id) === 'completed' || (n?.kind === 'job' && n.job.ready !== undefined && k.readySeen.has(id) && !failed(id));
  };
  const cancelled = new Set(
    scenario.jobs.filter((j) => failed(j.id) && stateOf(j.id) !== 'killed').flatMap((j) => j.onFailure.kill),
  );
  const unreachableMemo = new Map<string, boolean>();
  const unreachable = (id: string): boolean => {
    const memo = unreachableMemo.get(id);
    if (memo !== undefined) return memo;
    const node = nodes.get(id);
    let out = false;
    if (node) {
      const { after, ifFailed } = node.kind === 'job' ? node.job : node.step;
      const isJob = node.kind === 'job';
      out =
        (isJob && !k.started.has(id) && cancelled.has(id)) ||
        after.some((d) => unreachable(d) || failed(d)) ||
        ifFailed.some((d) => unreachable(d) || stateOf(d) === 'completed');
    }
    unreachableMemo.set(id, out);
    return out;
  };
  const ready = (id: string): boolean => {
    const node = nodes.get(id);
    if (!node || unreachable(id)) return false;
    const { after, ifFailed } = node.kind === 'job' ? node.job : node.step;
    return after.every(succeeded) && ifFailed.every(failed);
  };
  const toolId = (id: string) => k.toolIds.get(id) ?? id;
  const timeoutS = (job: ScenarioJob) => job.timeoutS ?? Math.ceil(job.durationS * scale * 2 + 60);
  const startCall = (job: ScenarioJob): PlannedCall =>
    strategy === 'block'
      ? { name: 'bash', input: { command: jobCommand(job, scale), timeout_s: timeoutS(job) } }
      : {
          name: 'bg_bash',
          input: {
            command: jobCommand(job, scale),
            id: job.id,
            timeout_s: timeoutS(job),
            ...(job.ready ? { ready: { pattern: job.ready.pattern } } : {}),
          },
        };
  const readyJobs = () => scenario.jobs.filter((j) => !k.started.has(j.id) && ready(j.id));
  const running = () => scenario.jobs.filter((j) => k.started.has(j.id) && !isFinalSeen(stateOf(j.id))).map((j) => j.id);
  const resolved = () =>
    [...nodes.keys()].every(
      (id) => unreachable(id) || (nodes.get(id)?.kind === 'think' ? thoughts.has(id) : isFinalSeen(stateOf(id))),
    );

  const finalTurn = (texts: string[], note?: string): PlannedTurn => {
    const failedIds = scenario.jobs.filter((j) => failed(j.id) && stateOf(j.id) !== 'killed').map((j) => j.id);
    const completed = scenario.jobs.filter((j) => stateOf(j.id) === 'completed').map((j) => j.id);
    const template = failedIds.length > 0 ? (scenario.final.failureText ?? scenario.final.text) : scenario.final.text;
    let text = template.replaceAll('{failed}', list(failedIds) || 'none').replaceAll('{completed}', list(completed) || 'none');
    if (note) text = `${note}\n\n${text}`;
    if (scenario.final.outputTokens !== undefined)
      text = padText(text, Math.round(scenario.final.outputTokens * ctx.pacing.charsPerToken), 'final', ctx.seed);
    return { texts: [...texts, text], calls: [], stopReason: 'end_turn', kind: 'final' };
  };

  if (k.turns >= scenario.maxTurns) return finalTurn([], `I stopped after ${k.turns} turns without seeing every job end.`);
  if (strategy === 'none')
    return finalTurn([], 'I have no tool to run shell commands in this conversation, so I cannot run the jobs.');
  const servers = scenario.jobs.filter((j) => j.ready !== undefined);
  if (strategy === 'block' && servers.length > 0) {
    const text = `${list(servers.map((j) => j.id))} must keep running while other jobs use it, and I only have a foreground shell here, so I cannot run this plan. Use a strategy with background jobs.`;
    return { texts: [text], calls: [], stopReason: 'end_turn', kind: 'final' };
  }
  const dependents = (id: string) => scenario.jobs.filter((j) => j.after.includes(id));
  // Servers started, not yet seen ready: waited for with bg_wait until, or by their ready notice.
  const notReady = () => servers.filter((j) => k.started.has(j.id) && !isFinalSeen(stateOf(j.id)) && !k.readySeen.has(j.id));

  const texts: string[] = [];
  const calls: PlannedCall[] = [];

  const writeThink = (step: ThinkStep): void => {
    texts.push(padText(step.text, Math.round(step.outputTokens * ctx.pacing.charsPerToken), step.id, ctx.seed));
    thoughts.add(step.id);
    unreachableMemo.clear();
  };
  // A model plans before it acts: on the first turn, steps that need nothing come first.
  if (k.turns === 0) for (const step of scenario.think.filter((s) => ready(s.id))) writeThink(step);

  // 1. A failure seen: stop what it made pointless; 2. start every ready job.
  if (strategy !== 'block') {
    const kills = scenario.jobs.filter(
      (j) =>
        ctx.tools.has('bg_kill') &&
        cancelled.has(j.id) &&
        k.started.has(j.id) &&
        !isFinalSeen(stateOf(j.id)) &&
        !k.killRequested.has(j.id),
    );
    if (kills.length > 0) {
      const causes = scenario.jobs.filter((j) => failed(j.id) && j.onFailure.kill.some((t) => kills.some((x) => x.id === t)));
      texts.push(`${list(causes.map((j) => j.id))} failed, so ${list(kills.map((j) => j.id))} no longer matter; stopping them.`);
      for (const job of kills) calls.push({ name: 'bg_kill', input: { id: toolId(job.id) } });
    }
    // A server whose users have all ended is stopped.
    const idle = servers.filter(
      (j) =>
        ctx.tools.has('bg_kill') &&
        k.started.has(j.id) &&
        !isFinalSeen(stateOf(j.id)) &&
        !k.killRequested.has(j.id) &&
        !kills.includes(j) &&
        dependents(j.id).every((d) => isFinalSeen(stateOf(d.id)) || unreachable(d.id)),
    );
    if (idle.length > 0) {
      texts.push(`Nothing needs ${list(idle.map((j) => j.id))} any more; stopping it.`);
      for (const job of idle) calls.push({ name: 'bg_kill', input: { id: toolId(job.id) } });
    }
    const starts = readyJobs();
    if (starts.length > 0) {
      texts.push(`Starting ${list(starts.map((j) => j.id))} in the background.`);
      for (const job of starts) calls.push(startCall(job));
      return { texts, calls, stopReason: 'tool_use', kind: 'productive' };
    }
    // Only stops: the same response goes on to think and to start what the thinking made ready
    // (a turn of its own for the stops would cost a whole time to first token for nothing).
  }

  // 3. Think: one step per turn when every turn polls anyway, else all that are ready.
  const onePerTurn = strategy === 'poll' && pollPolicy !== 'bg_wait';
  for (;;) {
    const step = scenario.think.find((s) => !thoughts.has(s.id) && ready(s.id));
    if (!step) break;
    writeThink(step);
    if (onePerTurn) break;
  }
  const thought = texts.length > 0;

  // 4. Jobs that the thinking made ready; the foreground runs one job at a time.
  const starts = readyJobs();
  if (starts.length > 0) {
    const chosen = strategy === 'block' ? starts.slice(0, 1) : starts;
    texts.push(
      strategy === 'block' ? `Running ${chosen[0]?.id}.` : `Starting ${list(chosen.map((j) => j.id))} in the background.`,
    );
    for (const job of chosen) calls.push(startCall(job));
    return { texts, calls, stopReason: 'tool_use', kind: 'productive' };
  }
  if (calls.length > 0) return { texts, calls, stopReason: 'tool_use', kind: 'productive' };

  // 5. Everything needed is seen: answer.
  if (resolved()) return finalTurn(texts);

  // 6. Wait, the way the strategy says; a server seen ready is not waited for (it never ends).
  const waiting = running().filter((id) => !(node(id)?.kind === 'job' && k.readySeen.has(id)));
  const unready = notReady();
  const kind: TurnKind = thought ? 'productive' : 'poll';
  if (strategy === 'inject') {
    if (!thought && unready.length > 0) texts.push(`Waiting for ${list(unready.map((j) => j.id))} to be ready.`);
    else if (!thought) texts.push(`Waiting for ${list(waiting) || 'the background jobs'} to finish.`);
    return { texts, calls, stopReason: 'end_turn', kind: thought ? 'productive' : 'idle' };
  }
  if (strategy === 'block') return finalTurn(texts, 'Nothing is left that I can run.');
  const server = unready[0];
  if (server?.ready && ctx.tools.has('bg_wait')) {
    texts.push(`Waiting until ${server.id} is ready.`);
    calls.push({
      name: 'bg_wait',
      input: { ids: [toolId(server.id)], until: { pattern: server.ready.pattern }, timeout_s: scenario.policy.waitTimeoutS },
    });
    return { texts, calls, stopReason: 'tool_use', kind };
  }
  const canWait = ctx.tools.has('bg_wait') && waiting.length > 0;
  if (pollPolicy === 'bg_wait' && canWait) {
    calls.push({ name: 'bg_wait', input: { ids: waiting.map(toolId), mode: 'any', timeout_s: scenario.policy.waitTimeoutS } });
    return { texts, calls, stopReason: 'tool_use', kind };
  }
  if (pollPolicy === 'backoff' && !thought && canWait) {
    const { initialS, factor, maxS } = scenario.policy.backoff;
    const waitS = Math.min(maxS, initialS * factor ** k.idleStreak);
    calls.push({ name: 'bg_wait', input: { ids: waiting.map(toolId), mode: 'all', timeout_s: waitS } });
    return { texts, calls, stopReason: 'tool_use', kind };
  }
  calls.push({ name: 'check_bg', input: {} });
  return { texts, calls, stopReason: 'tool_use', kind };
}
