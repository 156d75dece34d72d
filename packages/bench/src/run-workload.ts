/**
 * One benchmark run: a workload under a strategy through the real agent loop, the real
 * executor and the simulated model, on virtual time (exact, instant) or real time (real `sleep`
 * processes and timers at a reduced scale, times divided by the scale afterwards).
 */
import Anthropic from '@anthropic-ai/sdk';
import { type AgentEvent, runAgent } from '@bgtasks/agent';
import { BackgroundExecutor, type Job, type Runtime } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { createVirtualRuntime, VirtualClock } from '@bgtasks/runtime/testing';
import {
  createSimModel,
  estimateTokens,
  type SimClock,
  scaledPacing,
  scaledPolicy,
  type TurnKind,
  taskGraph,
} from '@bgtasks/sim-model';
import { type BenchStrategy, benchStrategyFor } from './bench-strategy.ts';
import { lowerBound } from './lower-bound.ts';
import type { ResultRow } from './result-row.ts';
import { noticeLatencies, wastedPolls } from './run-metrics.ts';
import { percentile } from './stats.ts';
import { DEFAULT_SYSTEM_TOKENS, systemPrompt } from './system-prompt.ts';
import type { Workload } from './workload.ts';

/** The model every run asks for (priced in `@bgtasks/agent`'s table). */
export const BENCH_MODEL = 'claude-sonnet-4-6';
/** Jobs that may run at once: above the widest workload, so no strategy queues. */
export const BENCH_MAX_CONCURRENT = 16;
/** Model requests a run may make: far above what any strategy needs. */
export const BENCH_MAX_TURNS = 2_000;
/** `max_tokens` of each request: above the longest response any workload asks for. */
export const BENCH_MAX_TOKENS = 16_000;
/** inject: the wake-up waits this long after a notice so jobs ending together travel together. */
export const BENCH_COALESCE_MS = 20;

/** The bound of each scenario, computed once for all its strategies (the schedule search is not free). */
const bounds = new WeakMap<object, number>();

/** Options of {@link runWorkload}. */
export interface RunWorkloadOptions {
  workload: Workload;
  strategy: BenchStrategy;
  /** `virtual` (default): exact and instant. `real`: real processes and timers at `scale`. */
  clock?: 'virtual' | 'real';
  /** real clock: factor on job durations, model pacing and poll timeouts. Default 0.05. */
  scale?: number;
  /** Name of the host runtime for the row (`node`, `bun`, `deno`). */
  runtimeName: string;
  /** real clock: the runtime that spawns processes; `createRuntime()` by default. */
  runtime?: Runtime;
  /** The system prompt; by default {@link systemPrompt} of `systemTokens`. */
  systemPrompt?: string;
  /** Size of the generated system prompt in tokens (0: the one-liner). Default 8,000. */
  systemTokens?: number;
  signal?: AbortSignal;
  /**
   * Called once the model has answered, before the executor closes, with every job it ran (the
   * real-jobs workload reads their measured run times from them).
   */
  onJobs?: (jobs: readonly Job[]) => void;
}

/**
 * Runs `workload` under `strategy` and returns its {@link ResultRow}.
 * @example
 * const row = await runWorkload({ workload, strategy: 'inject', runtimeName: 'node', signal });
 */
export async function runWorkload(options: RunWorkloadOptions): Promise<ResultRow> {
  const { workload, strategy } = options;
  const clockKind = options.clock ?? 'virtual';
  const scale = clockKind === 'real' ? (options.scale ?? 0.05) : 1;
  const runtime: Runtime =
    clockKind === 'virtual'
      ? // Everything in a virtual run waits on this clock (the SDK never retries: maxRetries 0), so
        // its idle turns need not pay the host's 1 ms setTimeout clamp.
        createVirtualRuntime({ clock: new VirtualClock({ idleTurn: 'immediate' }) })
      : (options.runtime ?? createRuntime());
  const clock: SimClock = runtime;
  const { strategy: agentStrategy, pollPolicy } = benchStrategyFor(strategy, { coalesceMs: BENCH_COALESCE_MS * scale, scale });
  const scenario = scaledPolicy(workload.scenario, scale);
  const kinds: TurnKind[] = [];
  const sim = createSimModel(scenario, {
    clock,
    seed: workload.seed,
    scale,
    pacing: scaledPacing(scale),
    ...(pollPolicy ? { pollPolicy } : {}),
    onExchange: (exchange) => kinds.push(exchange.kind),
  });
  const client = new Anthropic({ apiKey: 'sim', fetch: sim.fetch, baseURL: 'http://sim.invalid', maxRetries: 0 });
  const executor = new BackgroundExecutor(runtime, { maxConcurrent: BENCH_MAX_CONCURRENT });
  const system = options.systemPrompt ?? systemPrompt(options.systemTokens ?? DEFAULT_SYSTEM_TOKENS);
  const startedAt = runtime.now();
  let result: Awaited<ReturnType<typeof runAgent>>;
  try {
    result = await runAgent({
      client,
      model: BENCH_MODEL,
      strategy: agentStrategy,
      executor,
      system,
      prompt: scenario.prompt,
      maxTurns: BENCH_MAX_TURNS,
      maxTokens: BENCH_MAX_TOKENS,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    options.onJobs?.(executor.list());
  } finally {
    await executor.close();
  }
  const events: readonly AgentEvent[] = result.events;
  const done = events.findLast((e) => e.type === 'done');
  const unscale = (ms: number) => ms / scale;
  const latencies = noticeLatencies(events).map(unscale);
  const stat = (p: number) => (latencies.length === 0 ? null : Math.round(percentile(latencies, p)));
  const makespanMs = Math.round(unscale((done?.at ?? runtime.now()) - startedAt));
  let lowerBoundMs = bounds.get(workload.scenario);
  if (lowerBoundMs === undefined) {
    lowerBoundMs = lowerBound(taskGraph(workload.scenario)).lowerBoundMs;
    bounds.set(workload.scenario, lowerBoundMs);
  }
  const count = (kind: TurnKind) => kinds.filter((k) => k === kind).length;
  const u = result.totalUsage;
  return {
    workload: workload.id,
    strategy,
    runtime: options.runtimeName,
    clock: clockKind,
    scale,
    seed: workload.seed,
    systemTokens: estimateTokens(system),
    makespanMs,
    lowerBoundMs,
    efficiency: Math.round((lowerBoundMs / makespanMs) * 1000) / 1000,
    turns: result.turns,
    productiveTurns: count('productive') + count('final'),
    pollTurns: count('poll'),
    idleTurns: count('idle'),
    inputTokens: u.input,
    cacheWriteTokens: u.cacheCreation,
    cacheReadTokens: u.cacheRead,
    outputTokens: u.output,
    costUsd: Math.round((result.costUsd ?? 0) * 1e6) / 1e6,
    noticeLatencyP50Ms: stat(50),
    noticeLatencyP95Ms: stat(95),
    noticeLatencyMaxMs: stat(100),
    wastedPolls: wastedPolls(events),
    stopReason: result.stopReason,
  };
}
