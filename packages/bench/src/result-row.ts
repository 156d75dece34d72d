/** One benchmark run: a workload under a strategy, with the figures the report shows. */
export interface ResultRow {
  workload: string;
  /** `block`, `inject`, or `poll:<policy>` (e.g. `poll:backoff`). */
  strategy: string;
  runtime: string;
  clock: 'virtual' | 'real';
  /** Real-clock runs are scaled down; their times are divided by the scale so they compare. */
  scale: number;
  seed: number;
  /** Tokens of the system prompt the run sent (as the simulated model counts them). */
  systemTokens?: number;
  makespanMs: number;
  lowerBoundMs: number;
  efficiency: number;
  turns: number;
  productiveTurns: number;
  pollTurns: number;
  idleTurns: number;
  inputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
  costUsd: number;
  noticeLatencyP50Ms: number | null;
  noticeLatencyP95Ms: number | null;
  noticeLatencyMaxMs: number | null;
  wastedPolls: number;
  /** How the run ended (`end_turn` when the model finished). */
  stopReason: string;
}
