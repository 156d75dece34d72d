/**
 * What the agent host reads back from Redis, validated with zod: Redis is shared with other
 * programs and machines, so a malformed hash or stream entry is refused, not trusted.
 */
import { type FinalJobState, JobSpecSchema, JobStateSchema } from '@bgtasks/core';
import * as z from 'zod';

const int = z
  .string()
  .regex(/^-?\d+$/)
  .transform(Number);
const optInt = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s === '' ? undefined : Number(s)));
const nullableInt = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s === '' ? null : Number(s)));
const nullableText = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s === '' ? null : s));

/** A job hash (string fields; the output bytes are read separately). */
export const JobHashSchema = z.object({
  id: z.string(),
  host: z.string(),
  spec: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'spec is not JSON' });
        return z.NEVER;
      }
    })
    .pipe(JobSpecSchema),
  state: JobStateSchema,
  queuedAt: int,
  startedAt: optInt,
  endedAt: optInt,
  pid: optInt,
  exitCode: nullableInt,
  signal: nullableText,
  forced: z.string().optional(),
  error: z.string().optional(),
  worker: z.string().optional(),
  outTotal: int,
  outOmitted: int,
  /** Set with the final state: what the job's notice said. */
  noticeSeq: optInt,
  noticeTail: z.string().optional(),
  durationMs: optInt,
  truncated: z.string().optional(),
});
export type JobHash = z.infer<typeof JobHashSchema>;

const FINAL_STATES = ['completed', 'failed', 'killed', 'timed_out', 'lost'] as const satisfies readonly FinalJobState[];

/** One notice on a host's stream, as the finish script wrote it. */
export const NoticeEntrySchema = z.object({
  jobId: z.string(),
  state: z.enum([...FINAL_STATES, 'running']),
  exitCode: nullableInt,
  signal: nullableText,
  durationMs: int,
  outputBytes: int,
  tail: z.string(),
  truncated: z.enum(['true', 'false']).transform((s) => s === 'true'),
  seq: int,
  endedAt: int,
  command: z.string(),
  label: z.string().transform((s) => (s === '' ? undefined : s)),
  /** Running notices (relayed from a worker's local executor): absent on final ones. */
  kind: z.enum(['ready', 'progress', 'input_required']).optional(),
  ready: z.enum(['', 'pattern', 'port', 'idle']).optional(),
  match: z.string().optional(),
  portOwner: z.enum(['', 'unknown']).optional(),
  fromByte: optInt,
  toByte: optInt,
});
export type NoticeEntry = z.infer<typeof NoticeEntrySchema>;

/** Turns a flat `[field, value, ...]` list (XREAD, HGETALL replies) into a record. */
export function pairs(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}
