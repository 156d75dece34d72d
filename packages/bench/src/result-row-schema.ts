/** A {@link ResultRow} as data from outside the process (a worker's stdout, a results.json file). */
import * as z from 'zod';
import type { ResultRow } from './result-row.ts';

const ms = z.number().finite();
const count = z.number().int().nonnegative();

/**
 * Checks every field a {@link ResultRow} must have; fields it does not know pass through
 * unchanged, so a row with newer fields survives the trip through a worker process.
 * @example
 * const row = resultRowSchema.parse(JSON.parse(line));
 */
export const resultRowSchema: z.ZodType<ResultRow> = z.looseObject({
  workload: z.string().min(1),
  strategy: z.string().min(1),
  runtime: z.string(),
  clock: z.enum(['virtual', 'real']),
  scale: z.number().positive(),
  seed: z.number().int(),
  systemTokens: count.optional(),
  makespanMs: ms,
  lowerBoundMs: ms,
  efficiency: z.number().finite(),
  turns: count,
  productiveTurns: count,
  pollTurns: count,
  idleTurns: count,
  inputTokens: count,
  cacheWriteTokens: count,
  cacheReadTokens: count,
  outputTokens: count,
  costUsd: z.number().finite().nonnegative(),
  noticeLatencyP50Ms: ms.nullable(),
  noticeLatencyP95Ms: ms.nullable(),
  noticeLatencyMaxMs: ms.nullable(),
  wastedPolls: count,
  stopReason: z.string(),
});
