/**
 * The Lua scripts that change a job's state. Each runs atomically in Redis, so a job leaves
 * `queued`/`running` exactly once whoever races (the worker finishing it, the host killing a
 * queued job, a reaper declaring it lost): the script that ends it is the one that appends its
 * notice to the owner's stream. Times come from Redis (`TIME`), the one clock every machine
 * shares.
 *
 * The scripts build the owner's stream and counter keys from the job hash (`host` field), so
 * they need a standalone Redis (or a cluster with every key of a queue in one slot).
 */
import type { Redis } from 'ioredis';

const COMMON = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Ends a job that is still queued or running: final fields, the notice on the owner's stream,
-- an expiry on the hash, a change event. Returns the notice's seq, or 0 when already ended.
local function finish(jobKey, base, events, id, state, exitCode, signal, forced, err, total, omitted, tail, truncated, ttl)
  local cur = redis.call('HGET', jobKey, 'state')
  if cur ~= 'queued' and cur ~= 'running' then return 0 end
  local host = redis.call('HGET', jobKey, 'host')
  local endedAt = now_ms()
  local startedAt = redis.call('HGET', jobKey, 'startedAt')
  local duration = 0
  if startedAt then duration = endedAt - tonumber(startedAt) end
  if total == '' then total = redis.call('HGET', jobKey, 'outTotal') or '0' end
  if omitted == '' then omitted = redis.call('HGET', jobKey, 'outOmitted') or '0' end
  redis.call('HSET', jobKey, 'state', state, 'endedAt', endedAt, 'exitCode', exitCode, 'signal', signal,
    'forced', forced, 'error', err, 'outTotal', total, 'outOmitted', omitted)
  local seq = redis.call('INCR', base .. 'host:' .. host .. ':seq')
  redis.call('HSET', jobKey, 'noticeSeq', seq, 'noticeTail', tail, 'durationMs', duration, 'truncated', truncated)
  local stream = base .. 'host:' .. host .. ':notices'
  -- Bounded: the stream of a host that never comes back goes after the retention time; a
  -- live host's consumers trim what they acked.
  redis.call('XADD', stream, 'MAXLEN', '~', 100000, '*',
    'jobId', id, 'state', state, 'exitCode', exitCode, 'signal', signal, 'durationMs', duration,
    'outputBytes', total, 'tail', tail, 'truncated', truncated, 'seq', seq, 'endedAt', endedAt,
    'command', redis.call('HGET', jobKey, 'command') or '', 'label', redis.call('HGET', jobKey, 'label') or '')
  redis.call('EXPIRE', jobKey, ttl)
  redis.call('EXPIRE', stream, ttl)
  redis.call('EXPIRE', base .. 'host:' .. host .. ':seq', ttl)
  redis.call('PUBLISH', events, id)
  return seq
end
`;

/** KEYS job, bullJob, hostJobs; ARGV base, id, host, spec, command, label, maxHostJobs, ttl. Returns queuedAt or 0 (taken). */
const SUBMIT = `${COMMON}
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local t = now_ms()
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'host', ARGV[3], 'spec', ARGV[4], 'command', ARGV[5], 'label', ARGV[6],
  'state', 'queued', 'queuedAt', t, 'outTotal', 0, 'outOmitted', 0)
local n = redis.call('INCR', ARGV[1] .. 'host:' .. ARGV[3] .. ':n')
redis.call('ZADD', KEYS[3], n, ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[7]) + 1))
redis.call('EXPIRE', KEYS[3], ARGV[8])
redis.call('EXPIRE', ARGV[1] .. 'host:' .. ARGV[3] .. ':n', ARGV[8])
return t
`;

/** KEYS job; ARGV events, id, worker. Returns the state before (`queued` means it is now running), or `missing`. */
const START = `${COMMON}
local cur = redis.call('HGET', KEYS[1], 'state')
if cur ~= 'queued' then return cur or 'missing' end
redis.call('HSET', KEYS[1], 'state', 'running', 'startedAt', now_ms(), 'worker', ARGV[3])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 'queued'
`;

/** KEYS job; ARGV events, id, then field/value pairs. Applies only while running. Returns 1 or 0. */
const PROGRESS = `
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
`;

/**
 * KEYS job; ARGV base, events, id, state, exitCode, signal, forced, error, total, omitted, tail,
 * truncated, ttl, then output field/value pairs (outHead, outTail) to store first.
 */
const FINISH = `${COMMON}
local cur = redis.call('HGET', KEYS[1], 'state')
if cur ~= 'queued' and cur ~= 'running' then return 0 end
if #ARGV > 13 then redis.call('HSET', KEYS[1], unpack(ARGV, 14)) end
return finish(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13])
`;

/**
 * KEYS job; ARGV base, events, killChannel, id, ttl. A queued job ends \`killed\` here and now (the
 * worker that later takes it finds it ended and skips it); a running one is flagged and its
 * worker told on the kill channel. Returns the state after, or \`missing\`.
 */
const KILL = `${COMMON}
local cur = redis.call('HGET', KEYS[1], 'state')
if cur == 'queued' then
  finish(KEYS[1], ARGV[1], ARGV[2], ARGV[4], 'killed', '', '', '', '', '', '', '', 'false', ARGV[5])
  return 'killed'
end
if cur == 'running' then
  redis.call('HSET', KEYS[1], 'kill', '1')
  redis.call('PUBLISH', ARGV[3], ARGV[4])
  return 'running'
end
return cur or 'missing'
`;

/**
 * KEYS job, lock, bullJob; ARGV base, events, id, ttl, tail, truncated. A running job whose
 * BullMQ lock is gone (its worker died or lost Redis for longer than the lock duration), or a
 * queued one BullMQ already failed (its worker died before starting it), ends \`lost\`.
 * Returns the state after, or \`missing\`.
 */
const REAP = `${COMMON}
local cur = redis.call('HGET', KEYS[1], 'state')
local dead = (cur == 'running' and redis.call('EXISTS', KEYS[2]) == 0)
  or (cur == 'queued' and redis.call('HEXISTS', KEYS[3], 'finishedOn') == 1)
if dead then
  finish(KEYS[1], ARGV[1], ARGV[2], ARGV[3], 'lost', '', '', '', '', '', '', ARGV[5], ARGV[6], ARGV[4])
  return 'lost'
end
return cur or 'missing'
`;

type Arg = string | number | Buffer;

/** The scripts, bound to one connection. */
export interface Scripts {
  submit(keys: [string, string, string], args: Arg[]): Promise<number>;
  start(keys: [string], args: Arg[]): Promise<string>;
  progress(keys: [string], args: Arg[]): Promise<number>;
  finish(keys: [string], args: Arg[]): Promise<number>;
  kill(keys: [string], args: Arg[]): Promise<string>;
  reap(keys: [string, string, string], args: Arg[]): Promise<string>;
}

const DEFS = { submit: SUBMIT, start: START, progress: PROGRESS, finish: FINISH, kill: KILL, reap: REAP } as const;

/** Registers the scripts on `redis` (ioredis sends EVALSHA and falls back to EVAL). */
export function defineScripts(redis: Redis): Scripts {
  const call = redis as unknown as Record<string, (...args: Arg[]) => Promise<unknown>>;
  const out: Record<string, (keys: string[], args: Arg[]) => Promise<unknown>> = {};
  for (const [name, lua] of Object.entries(DEFS)) {
    const command = `bgtasks_${name}`;
    redis.defineCommand(command, { lua });
    out[name] = (keys, args) => call[command]!(keys.length, ...keys, ...args);
  }
  return out as unknown as Scripts;
}
