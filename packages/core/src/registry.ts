/**
 * A persisted record of running job groups, so that a host killed with SIGKILL (which runs no
 * shutdown hook) leaves enough behind for the next executor to reap what it left running.
 * Implemented by `createJobRegistry` in `@bgtasks/runtime`.
 */

/** One running job as the registry records it. */
export interface JobRecord {
  jobId: string;
  /** Process group id (the pid of the job's `sh -c`). */
  pgid: number;
  command: string;
  /** The job's marker (see `SpawnOptions.marker`): finds descendants that left the group. */
  marker?: string;
}

/** A job left behind by a host that is gone. */
export interface ReapedJob extends JobRecord {
  /** Pid of the host that started it. */
  hostPid: number;
  /** Wall-clock ms (epoch) when it started. */
  startedAtMs: number;
  /** Always `lost`: its host died, so how it ended is unknown. */
  state: 'lost';
  /**
   * True when its group or a process carrying its marker was still alive and was killed now;
   * false when it had already ended.
   */
  killed: boolean;
}

/** Where an executor records its running jobs. */
export interface JobRegistry {
  add(record: JobRecord): void;
  remove(jobId: string): void;
  /**
   * Finds records of hosts that are no longer running, kills the groups they left that are
   * provably theirs (never a process that merely reused the pid), forgets the records, and
   * returns what it found.
   */
  reap(): ReapedJob[];
}
