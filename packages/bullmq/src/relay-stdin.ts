/**
 * A piped job's stdin across Redis: the host appends each `write` / `closeStdin` to a per-job
 * list (bounded); the worker running the job takes them in order, applies them with its local
 * executor (its write timeout holds there) and records each one's outcome, which the host's
 * call waits for.
 */
import { type BackgroundExecutor, JobInputError } from '@bgtasks/core';
import type { Redis } from 'ioredis';
import * as z from 'zod';

/** Most bytes one `write` carries through Redis. */
export const MAX_WRITE_BYTES = 1024 * 1024;
/** Most writes waiting in a job's list. */
export const MAX_PENDING_WRITES = 64;
/** How often the worker looks for input of a piped job. */
const POLL_MS = 50;
/** Time allowed on top of the worker's write timeout for the round trip through Redis. */
const TRANSIT_MS = 5_000;

/** The two keys of a job's input: the list of requests and the hash of outcomes. */
export function stdinKeys(base: string, id: string): { list: string; results: string } {
  return { list: `${base}stdin:${id}`, results: `${base}stdin-res:${id}` };
}

const RequestSchema = z.object({ n: z.number().int().positive(), op: z.enum(['write', 'close']), text: z.string() });

interface Sleeper {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
}

/**
 * Host side: sends one request and waits for the worker's outcome; throws {@link JobInputError}
 * with the worker's reason, or when no answer comes within the write timeout plus transit time.
 */
export async function sendInput(
  redis: Redis,
  clock: Sleeper,
  target: { base: string; id: string; ttlSeconds: number; writeTimeoutMs: number; ended: () => boolean },
  op: 'write' | 'close',
  text: string,
): Promise<void> {
  const { id } = target;
  if (Buffer.byteLength(text) > MAX_WRITE_BYTES) {
    throw new JobInputError(id, `one write carries at most ${MAX_WRITE_BYTES} bytes on the bullmq backend`);
  }
  const keys = stdinKeys(target.base, id);
  if ((await redis.llen(keys.list)) >= MAX_PENDING_WRITES) {
    throw new JobInputError(id, `${MAX_PENDING_WRITES} writes are already waiting for the job to take them`);
  }
  const n = await redis.hincrby(keys.results, 'sent', 1);
  await redis
    .multi()
    .rpush(keys.list, JSON.stringify({ n, op, text }))
    .expire(keys.list, target.ttlSeconds)
    .expire(keys.results, target.ttlSeconds)
    .exec();
  const deadline = clock.now() + target.writeTimeoutMs + TRANSIT_MS;
  for (;;) {
    const outcome = await redis.hget(keys.results, String(n));
    if (outcome !== null) {
      if (outcome === '') return;
      throw new JobInputError(id, outcome);
    }
    if (target.ended()) throw new JobInputError(id, 'the job ended before it took its input');
    if (clock.now() >= deadline) throw new JobInputError(id, 'the worker did not take the input in time');
    await clock.sleep(POLL_MS);
  }
}

/** Worker side: applies a piped job's input requests in order until `signal` aborts. */
export async function feedStdin(
  redis: Redis,
  clock: Sleeper,
  executor: BackgroundExecutor,
  target: { base: string; id: string; onError(error: unknown): void },
  signal: AbortSignal,
): Promise<void> {
  const keys = stdinKeys(target.base, target.id);
  while (!signal.aborted) {
    let raw: string | null = null;
    try {
      raw = await redis.lpop(keys.list);
    } catch (error) {
      target.onError(error);
    }
    if (raw === null) {
      await clock.sleep(POLL_MS, signal).catch(() => {});
      continue;
    }
    let parsed: z.infer<typeof RequestSchema>;
    try {
      parsed = RequestSchema.parse(JSON.parse(raw));
    } catch (error) {
      target.onError(error);
      continue;
    }
    let outcome = '';
    try {
      if (parsed.op === 'write') await executor.write(target.id, parsed.text);
      else await executor.closeStdin(target.id);
    } catch (error) {
      outcome = error instanceof Error ? error.message : String(error);
      if (outcome === '') outcome = 'the input could not be given to the job';
    }
    await redis.hset(keys.results, String(parsed.n), outcome).catch(target.onError);
  }
}
