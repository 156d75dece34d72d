/**
 * What the model knows, read from the request alone: the jobs it started (its own tool calls),
 * the think steps it wrote (its own text), and every job state the conversation shows it (tool
 * results and `<bg_notice>` blocks). It never asks the executor: that is the point.
 */
import { parseNotices } from '@bgtasks/core';
import { blocksOf, type MessagesRequest, type RequestBlock } from './request.ts';
import type { Scenario } from './scenario.ts';
import { jobCommand } from './task-graph.ts';
import { type SeenJob, type SeenState, startedIdIn, statesIn } from './tool-results.ts';
import { ownToolName } from './tool-view.ts';

/** The latest state the model saw for a job. */
export interface KnownJob {
  state: SeenState;
  exitCode?: number;
  tail?: string;
}

/** Everything the model has learned from the conversation. */
export interface Knowledge {
  /** Assistant turns so far. */
  turns: number;
  /** Scenario job ids the model started (bg_bash) or ran (bash). */
  started: Set<string>;
  /** Scenario job id -> the id the tools use for it (the executor may choose another). */
  toolIds: Map<string, string>;
  /** Scenario job ids the model asked to kill. */
  killRequested: Set<string>;
  /** Scenario job id -> last state seen; final states are never replaced by running/queued. */
  states: Map<string, KnownJob>;
  /** Think step ids already written. */
  thoughts: Set<string>;
  /** Scenario job ids the model has seen ready (a `ready` notice or a `bg_wait` until answer). */
  readySeen: Set<string>;
  /** Trailing assistant turns that only waited (bg_wait / check_bg) and learned nothing new. */
  idleStreak: number;
}

const FINAL = new Set<SeenState>(['completed', 'failed', 'killed', 'timed_out', 'lost']);

/** True for states a job never leaves. */
export function isFinalSeen(state: SeenState | undefined): boolean {
  return state !== undefined && FINAL.has(state);
}

function resultText(block: Extract<RequestBlock, { type: 'tool_result' }>): string {
  if (block.content === undefined) return '';
  if (typeof block.content === 'string') return block.content;
  return block.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

interface Call {
  name: string;
  input: Record<string, unknown>;
  jobId?: string;
}

/** Reads the conversation in `request` for `scenario`; `scale` gives the commands of block runs. */
export function readKnowledge(request: MessagesRequest, scenario: Scenario, scale: number): Knowledge {
  const k: Knowledge = {
    turns: 0,
    started: new Set(),
    toolIds: new Map(),
    killRequested: new Set(),
    states: new Map(),
    thoughts: new Set(),
    readySeen: new Set(),
    idleStreak: 0,
  };
  const byCommand = new Map(scenario.jobs.map((j) => [jobCommand(j, scale), j.id]));
  const jobIds = new Set(scenario.jobs.map((j) => j.id));
  const calls = new Map<string, Call>();
  const scenarioId = (toolId: string): string | undefined => {
    for (const [job, id] of k.toolIds) if (id === toolId) return job;
    return jobIds.has(toolId) ? toolId : undefined;
  };
  let news = false;
  const learn = (seen: SeenJob): void => {
    const job = scenarioId(seen.id);
    if (!job) return;
    const before = k.states.get(job);
    if (isFinalSeen(before?.state) && !isFinalSeen(seen.state)) return;
    if (before?.state === seen.state) return;
    const known: KnownJob = { state: seen.state };
    if (seen.exitCode !== undefined) known.exitCode = seen.exitCode;
    if (seen.tail !== undefined) known.tail = seen.tail;
    k.states.set(job, known);
    if (isFinalSeen(seen.state)) news = true;
  };
  let waitOnly = false;
  const learnReady = (text: string): void => {
    for (const n of parseNotices(text)) {
      const job = n.kind === 'ready' ? scenarioId(n.jobId) : undefined;
      if (job && !k.readySeen.has(job)) {
        k.readySeen.add(job);
        news = true;
      }
    }
    for (const m of text.matchAll(/job "([A-Za-z0-9._-]+)" is ready \(/g)) {
      const job = scenarioId(m[1] ?? '');
      if (job && !k.readySeen.has(job)) {
        k.readySeen.add(job);
        news = true;
      }
    }
  };

  for (const message of request.messages) {
    // A mid-conversation system message holds instructions, never a job's state.
    if (message.role === 'system') continue;
    const blocks = blocksOf(message);
    if (message.role === 'assistant') {
      k.turns++;
      waitOnly = blocks.length > 0;
      for (const block of blocks) {
        if (block.type === 'text') {
          for (const step of scenario.think) if (block.text.startsWith(step.text)) k.thoughts.add(step.id);
          continue;
        }
        if (block.type !== 'tool_use') continue;
        // A client may namespace the tools (mcp__<server>__bg_bash): each is read by its own name.
        const name = ownToolName(block.name) ?? block.name;
        const call: Call = { name, input: block.input };
        if (name !== 'check_bg' && name !== 'bg_wait') waitOnly = false;
        if (name === 'bg_bash' || name === 'bash') {
          const id = typeof block.input.id === 'string' && jobIds.has(block.input.id) ? block.input.id : undefined;
          const job = id ?? byCommand.get(String(block.input.command ?? ''));
          if (job) {
            call.jobId = job;
            k.started.add(job);
          }
        } else if (name === 'bg_kill' && typeof block.input.id === 'string') {
          const job = scenarioId(block.input.id);
          if (job) {
            call.jobId = job;
            k.killRequested.add(job);
          }
        } else if (name === 'check_bg' && typeof block.input.id === 'string') {
          const job = scenarioId(block.input.id);
          if (job) call.jobId = job;
        }
        calls.set(block.id, call);
      }
      continue;
    }
    news = false;
    for (const block of blocks) {
      const text = block.type === 'text' ? block.text : block.type === 'tool_result' ? resultText(block) : '';
      learnReady(text);
      if (block.type !== 'tool_result') {
        for (const seen of statesIn(text, [])) learn(seen);
        continue;
      }
      const call = calls.get(block.tool_use_id);
      if (!call) continue;
      if (call.name === 'bash' && call.jobId) {
        // Foreground run: the result is the job's <bg_notice> (its state wins; the id is the
        // executor's, not the scenario's) or the output, where is_error marks a failure.
        const notice = statesIn(text, [])[0];
        learn({ id: call.jobId, state: notice?.state ?? (block.is_error ? 'failed' : 'completed'), tail: text });
      } else if (call.name === 'bg_bash' && call.jobId) {
        if (block.is_error) learn({ id: call.jobId, state: 'failed', tail: text });
        else {
          const toolId = startedIdIn(text);
          if (toolId && toolId !== call.jobId && !jobIds.has(toolId)) k.toolIds.set(call.jobId, toolId);
        }
        for (const seen of statesIn(text, [])) learn(seen);
      } else {
        const ids = scenario.jobs.map((j) => k.toolIds.get(j.id) ?? j.id);
        const subject = call.jobId === undefined ? undefined : (k.toolIds.get(call.jobId) ?? call.jobId);
        for (const seen of statesIn(text, ids, subject)) learn(seen);
      }
    }
    k.idleStreak = waitOnly && !news ? k.idleStreak + 1 : 0;
    waitOnly = false;
  }
  return k;
}
