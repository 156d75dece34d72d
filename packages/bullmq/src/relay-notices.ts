/**
 * Running notices across Redis: the worker's local executor publishes `ready` and `progress`
 * notices on its own bus; the relay appends each to the owner host's notice stream (the same
 * stream, seq counter and consumer groups as final notices), and records readiness on the job
 * hash so that the host's `waitFor` can answer.
 */
import { type BackgroundExecutor, isFinalNotice, type Notice } from '@bgtasks/core';
import type { Redis } from 'ioredis';

/**
 * KEYS job; ARGV base, events, id, kind, tail, outputBytes, ready, match, portOwner, fromByte,
 * toByte. Applies only while the job runs (a notice after the end would be out of order).
 * Returns the notice's seq, or 0.
 */
const RELAY = `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local host = redis.call('HGET', KEYS[1], 'host')
local startedAt = redis.call('HGET', KEYS[1], 'startedAt')
local duration = 0
if startedAt then duration = now - tonumber(startedAt) end
local seq = redis.call('INCR', ARGV[1] .. 'host:' .. host .. ':seq')
local stream = ARGV[1] .. 'host:' .. host .. ':notices'
redis.call('XADD', stream, 'MAXLEN', '~', 100000, '*',
  'jobId', ARGV[3], 'kind', ARGV[4], 'state', 'running', 'exitCode', '', 'signal', '', 'durationMs', duration,
  'outputBytes', ARGV[6], 'tail', ARGV[5], 'truncated', 'false', 'seq', seq, 'endedAt', now,
  'command', redis.call('HGET', KEYS[1], 'command') or '', 'label', redis.call('HGET', KEYS[1], 'label') or '',
  'ready', ARGV[7], 'match', ARGV[8], 'portOwner', ARGV[9], 'fromByte', ARGV[10], 'toByte', ARGV[11])
if ARGV[4] == 'ready' then
  redis.call('HSET', KEYS[1], 'readyMet', ARGV[7], 'readyMatch', ARGV[8], 'readyPortOwner', ARGV[9])
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return seq
`;

const COMMAND = 'bgtasks_relay';

/** Where the relay writes: the job's hash and the queue's key base and events channel. */
export interface RelayTarget {
  redis: Redis;
  jobKey: string;
  base: string;
  events: string;
  id: string;
  onError(error: unknown): void;
}

/** A running relay; `stop()` relays what is still pending, then ends. */
export interface NoticeRelay {
  stop(): Promise<void>;
}

async function relayOne(target: RelayTarget, notice: Notice): Promise<void> {
  const call = target.redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  if (!call[COMMAND]) target.redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: RELAY });
  await call[COMMAND]!(
    target.jobKey,
    target.base,
    target.events,
    target.id,
    notice.kind ?? 'final',
    notice.tail,
    notice.outputBytes,
    notice.ready ?? '',
    notice.match ?? '',
    notice.portOwner ?? '',
    notice.fromByte ?? '',
    notice.toByte ?? '',
  );
}

/** Relays the running notices (`ready`, `progress`, `input_required`) of the worker's local executor. */
export function startRelay(executor: BackgroundExecutor, target: RelayTarget): NoticeRelay {
  const consumer = executor.bus.consumer('relay');
  const stop = new AbortController();
  const drain = async (): Promise<void> => {
    const lease = consumer.lease();
    for (const notice of lease.notices) {
      if (isFinalNotice(notice)) continue;
      try {
        await relayOne(target, notice);
      } catch (error) {
        target.onError(error);
      }
    }
    await consumer.ack(lease);
  };
  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        await consumer.ready(stop.signal);
      } catch {
        return;
      }
      await drain();
    }
  })();
  return {
    async stop() {
      stop.abort();
      await loop;
      await drain();
    },
  };
}
