/** The host's side of readiness on a worker: what `waitFor` asks, and what the worker recorded. */
import type { ReadyMet, ReadySpec, WaitForOptions } from '@bgtasks/core';
import type { Redis } from 'ioredis';
import * as z from 'zod';

/** The readiness condition `options` names, as a {@link ReadySpec}, or undefined when none. */
export function askedReadiness(options: WaitForOptions): ReadySpec | undefined {
  if (options.pattern !== undefined) return { pattern: options.pattern };
  if (options.port !== undefined) return { port: options.port };
  if (options.idleMs !== undefined) return { idleMs: options.idleMs };
  return undefined;
}

const ReadinessSchema = z.tuple([z.enum(['pattern', 'port', 'idle']).nullable(), z.string().nullable(), z.string().nullable()]);

/** The readiness the worker's relay recorded on the job hash (with its `ready` notice), if any. */
export async function readReadiness(
  redis: Redis,
  jobKey: string,
): Promise<{ met: ReadyMet; match?: string; portOwner?: 'unknown' } | undefined> {
  const parsed = ReadinessSchema.safeParse(await redis.hmget(jobKey, 'readyMet', 'readyMatch', 'readyPortOwner'));
  if (!parsed.success) return undefined;
  const [met, match, owner] = parsed.data;
  if (met === null) return undefined;
  return {
    met,
    ...(met === 'pattern' && match ? { match } : {}),
    ...(met === 'port' && owner === 'unknown' ? { portOwner: 'unknown' as const } : {}),
  };
}
