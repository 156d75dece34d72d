/**
 * Every Redis key and channel bgtasks adds next to BullMQ's own. BullMQ keeps
 * `<prefix>:<queue>:*`; ours live under `<prefix>:<queue>:~bg:` (a job id cannot contain `~` or
 * `:`, so no BullMQ key can collide with ours).
 */

/** Key names of one queue. */
export interface QueueKeys {
  /** The prefix BullMQ's own keys start with: `<prefix>:<queue>:`. */
  bull: string;
  /** The prefix of ours: `<prefix>:<queue>:~bg:`, passed to the Lua scripts. */
  base: string;
  /** Hash of one job: spec, owner host, state, times, output (head, tail, total). */
  job(id: string): string;
  /** BullMQ's lock of a job, held by the worker that runs it. */
  lock(id: string): string;
  /** BullMQ's hash of a job. */
  bullJob(id: string): string;
  /** Sorted set of a host's job ids by submission time, so a restarted host finds its jobs. */
  hostJobs(host: string): string;
  /** Stream of a host's notices; each bus consumer is a consumer group on it. */
  notices(host: string): string;
  /** Counter of generated job ids, queue-wide so ids are unique across hosts. */
  idSeq: string;
  /** Channel: a job's hash changed (message: the job id). */
  eventsChannel: string;
  /** Channel: kill the job (message: the job id); every worker listens. */
  killChannel: string;
}

/** The keys of queue `queue` under BullMQ prefix `prefix`. */
export function queueKeys(prefix: string, queue: string): QueueKeys {
  const bull = `${prefix}:${queue}:`;
  const base = `${bull}~bg:`;
  return {
    bull,
    base,
    job: (id) => `${base}job:${id}`,
    lock: (id) => `${bull}${id}:lock`,
    bullJob: (id) => `${bull}${id}`,
    hostJobs: (host) => `${base}host:${host}:jobs`,
    notices: (host) => `${base}host:${host}:notices`,
    idSeq: `${base}id-seq`,
    eventsChannel: `${base}events`,
    killChannel: `${base}kill`,
  };
}
