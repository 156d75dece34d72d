/** The end-of-run summary: the same figures as text and as JSON. */
import type { AgentEvent, AgentResult, TokenUsage } from '@bgtasks/agent';
import type { Job } from '@bgtasks/core';
import { terminalSafe } from '@bgtasks/runtime/cli';

/** What `--json` prints (one object) and the text summary shows. */
export interface RunSummary {
  model: string;
  simulated: boolean;
  strategy: string;
  /** Whose agent loop ran (`--loop`). */
  loop: string;
  runtime: string;
  scenario: string | null;
  stopReason: string;
  wallTimeMs: number;
  turns: number;
  tokens: TokenUsage;
  costUsd: number | null;
  jobs: Array<{
    id: string;
    command: string;
    state: string;
    exitCode: number | null;
    /** The signal that ended the job (e.g. `SIGTERM` for a killed one), or null. */
    signal: string | null;
    durationMs: number | null;
    outputBytes: number;
  }>;
  noticeLatencyMs: { count: number; p50: number | null; p95: number | null; max: number | null };
  finalText: string;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

/** Builds the summary from the run's result (or the events so far, when interrupted) and the jobs. */
export function summarize(input: {
  model: string;
  simulated: boolean;
  strategy: string;
  loop: string;
  runtime: string;
  scenario: string | null;
  wallTimeMs: number;
  events: readonly AgentEvent[];
  jobs: readonly Job[];
  result?: AgentResult;
  stopReason?: string;
}): RunSummary {
  const latencies = input.events
    .filter((e): e is Extract<AgentEvent, { type: 'notice_delivered' }> => e.type === 'notice_delivered')
    .map((e) => e.latencyMs)
    .sort((a, b) => a - b);
  const tokens: TokenUsage = input.result?.totalUsage ?? { input: 0, cacheCreation: 0, cacheRead: 0, output: 0 };
  if (!input.result) {
    for (const e of input.events) {
      if (e.type !== 'usage') continue;
      tokens.input += e.usage.input;
      tokens.cacheCreation += e.usage.cacheCreation;
      tokens.cacheRead += e.usage.cacheRead;
      tokens.output += e.usage.output;
    }
  }
  const costs = input.events.filter((e) => e.type === 'usage').map((e) => e.costUsd);
  return {
    model: input.model,
    simulated: input.simulated,
    strategy: input.strategy,
    loop: input.loop,
    runtime: input.runtime,
    scenario: input.scenario,
    stopReason: input.result?.stopReason ?? input.stopReason ?? 'unknown',
    wallTimeMs: Math.round(input.wallTimeMs),
    turns: input.result?.turns ?? input.events.filter((e) => e.type === 'turn').length,
    tokens,
    costUsd: input.result ? input.result.costUsd : costs.includes(null) ? null : costs.reduce<number>((s, c) => s + (c ?? 0), 0),
    jobs: input.jobs.map((j) => ({
      id: j.id,
      command: j.spec.command,
      state: j.state,
      exitCode: j.exitCode ?? null,
      signal: j.signal ?? null,
      durationMs: j.startedAt !== undefined && j.endedAt !== undefined ? Math.round(j.endedAt - j.startedAt) : null,
      outputBytes: j.output.bytes,
    })),
    noticeLatencyMs: {
      count: latencies.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: latencies.length > 0 ? (latencies[latencies.length - 1] ?? null) : null,
    },
    finalText: input.result?.finalText ?? '',
  };
}

const ms = (v: number | null): string => (v === null ? '-' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);

function jobCounts(jobs: RunSummary['jobs']): string {
  const counts = new Map<string, number>();
  for (const j of jobs) counts.set(j.state, (counts.get(j.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}

/**
 * How a job ended, in the summary's exit column: the signal when one ended it (`SIGTERM`),
 * else the exit code; a killed or timed-out job without either says so rather than showing 0.
 */
function exitOf(j: RunSummary['jobs'][number]): string {
  if (j.signal) return j.signal;
  if (j.exitCode === null) return j.state === 'killed' || j.state === 'timed_out' ? 'signal' : '';
  return String(j.exitCode);
}

/** The summary as lines of text. */
export function formatSummary(s: RunSummary): string {
  const t = s.tokens;
  const lines = [
    `Summary (${s.strategy}, ${s.runtime}, ${s.simulated ? `simulated model, scenario ${s.scenario}` : s.model}, loop ${s.loop})`,
    `  wall time      ${ms(s.wallTimeMs)}   stop: ${s.stopReason}`,
    `  turns          ${s.turns}`,
    // Input first as the model saw it (every token it read), then how the prompt cache split it:
    // a cached conversation reads "uncached 0", never the misleading "input 0".
    `  tokens         input ${t.input + t.cacheCreation + t.cacheRead} (uncached ${t.input}, cache write ${t.cacheCreation}, cache read ${t.cacheRead}), output ${t.output}`,
    `  cost           ${s.costUsd === null ? 'unknown (model not in the price table)' : `$${s.costUsd.toFixed(4)}`}${s.simulated ? ` (at the prices of ${s.model})` : ''}`,
    `  notice latency p50 ${ms(s.noticeLatencyMs.p50)}, p95 ${ms(s.noticeLatencyMs.p95)}, max ${ms(s.noticeLatencyMs.max)} (${s.noticeLatencyMs.count} notices)`,
    `  jobs           ${s.jobs.length === 0 ? 'none' : `${s.jobs.length} (${jobCounts(s.jobs)})`}`,
    ...s.jobs.map(
      (j) =>
        `    ${j.id.padEnd(16)} ${j.state.padEnd(10)} ${exitOf(j).padStart(7)}  ${ms(j.durationMs).padStart(8)}  ${terminalSafe(j.command)}`,
    ),
  ];
  return lines.join('\n');
}
