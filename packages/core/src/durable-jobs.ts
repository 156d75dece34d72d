/**
 * What the executor does differently for durable jobs, in one place: spawn under the
 * supervisor and record the job, reattach to jobs a previous host left, record ends and acks,
 * and read output from the log file. The executor calls these at the matching points of a
 * job's life; jobs that are not durable never reach this file.
 */
import { type DurableChildOptions, durableChild } from './durable-child.ts';
import type { DurableEnd, DurableJobRecord, DurableLoad, DurableStore } from './durable-store.ts';
import { supervisorCommand } from './durable-supervisor.ts';
import { InvalidJobSpecError } from './errors.ts';
import type { Entry } from './internal/job-entry.ts';
import { alignEnd, decodeUtf8 } from './internal/utf8.ts';
import { type FinalJobState, isFinalNotice, type JobSpec, type Notice } from './job.ts';
import { DEFAULT_READ_LIMIT_BYTES, type OutputSlice, type ReadOptions } from './output-buffer.ts';
import type { Child, Runtime, SpawnOptions } from './runtime.ts';

/** Options of {@link ExecutorOptions.durable}. */
export interface DurableOptions {
  /** The state directory (see `createDurableStore` in `@bgtasks/runtime`). */
  store: DurableStore;
  /**
   * Run every job durable unless its spec says `durable: false` (default true); when false,
   * only jobs whose spec says `durable: true`.
   */
  all?: boolean;
}

/** How long after the spawn the supervisor's start time is read (its exec has happened by then). */
const START_STAMP_DELAY_MS = 50;

/** True for a durable job that runs: closing its host leaves it running. */
export function outlivesHost(entry: Entry): boolean {
  return entry.durable && entry.state === 'running' && entry.ending === undefined;
}

/** Refuses `durable: true` where it cannot be honoured (no store; a piped stdin). */
export function checkDurableSpec(spec: JobSpec, durable: DurableJobs | undefined): void {
  if (spec.durable !== true) return;
  const sandboxed = spec.sandbox !== undefined && spec.sandbox !== false;
  if (durable && spec.stdin !== 'pipe' && !sandboxed) return;
  throw new InvalidJobSpecError([
    !durable
      ? 'durable: true needs a state directory: pass durable: { store: createDurableStore(...) } to the executor'
      : sandboxed
        ? 'durable: true cannot go with sandbox (the supervisor could not write the state directory)'
        : 'durable: true cannot go with stdin: "pipe" (a pipe does not outlive its host)',
  ]);
}

/** The executor's side of durable jobs. */
export class DurableJobs {
  readonly store: DurableStore;
  readonly #runtime: Runtime;
  readonly #all: boolean;
  /** The record of each durable job this host knows, as last written. */
  readonly #records = new Map<string, DurableJobRecord>();
  /** Aborted when the host closes: reading and polling of jobs that keep running stop. */
  readonly #detach = new AbortController();
  /**
   * Acks whose write failed: tried again at the next ack and at detach. One still unwritten when
   * the host dies is delivered again after the restart (its consumer had it; the disk did not).
   */
  readonly #unrecorded: Array<{ consumer: string; jobId: string }> = [];
  /** What runs on detach, one entry per followed job. */
  readonly #onDetach = new Set<() => void>();

  constructor(runtime: Runtime, options: DurableOptions) {
    this.store = options.store;
    this.#runtime = runtime;
    this.#all = options.all ?? true;
  }

  /** True when a job of `spec` runs durable. A piped stdin cannot outlive the host: never. */
  wants(spec: JobSpec): boolean {
    if (spec.stdin === 'pipe') return false;
    return spec.durable ?? this.#all;
  }

  /** True when job `id` is recorded in the store (a new job must not take its id). */
  has(id: string): boolean {
    return this.#records.has(id);
  }

  /** Every record and unreadable file in the store; the records are kept for later writes. */
  load(): DurableLoad {
    const loaded = this.store.load();
    for (const r of loaded.records) this.#records.set(r.id, r);
    return loaded;
  }

  /**
   * Spawns `command` (the job's command as the executor would run it) under the supervisor and
   * records the job as running. Throws a `StateDirError` (after killing what it spawned) when
   * the record cannot be written: a durable job nobody could find again is not started.
   */
  spawn(id: string, spec: JobSpec, marker: string, command: string, options: SpawnOptions, timeoutMs: number): Child {
    const files = this.store.prepare(id);
    const spawned = this.#runtime.spawn(supervisorCommand(command, files.log, files.exit), options);
    const startedAtMs = Date.now();
    if (spawned.pid > 0) {
      const { timeoutMs: _dropped, ...kept } = spec;
      const record: DurableJobRecord = {
        version: 1,
        id,
        host: { pid: this.store.hostPid, name: this.store.name },
        spec: kept,
        pid: spawned.pid,
        // Read shortly after (see #stampStart): reading a process's start time while it still
        // execs waits for the exec, which blocked the whole host per job (Bun returns from spawn
        // before the exec).
        pidStart: null,
        marker,
        log: files.log,
        startedAtMs,
        ...(Number.isFinite(timeoutMs) ? { timeoutAtMs: startedAtMs + timeoutMs } : {}),
        state: 'running',
        ackedBy: [],
      };
      try {
        this.store.write(record);
      } catch (error) {
        spawned.kill('SIGKILL');
        throw error;
      }
      this.#records.set(id, record);
      void this.#runtime.sleep(START_STAMP_DELAY_MS).then(() => this.#stampStart(id, spawned.pid));
    }
    return durableChild(this.#childOptions(id, spawned.pid, { spawned, processes: spawned }));
  }

  /**
   * Records the supervisor's kernel start time, so that a host reattaching later never takes a
   * process that reused the pid for the job. Skipped once the job has ended (its record then no
   * longer names a live process) or the host closed.
   */
  #stampStart(id: string, pid: number): void {
    const record = this.#records.get(id);
    if (record?.state !== 'running' || record.pidStart !== null || this.#detach.signal.aborted) return;
    const pidStart = this.store.processStart(pid);
    if (pidStart === null) return;
    const next = { ...record, pidStart };
    try {
      this.store.write(next);
      this.#records.set(id, next);
    } catch {
      // the record stays without it: a reattaching host then trusts the pid (as without /proc)
    }
  }

  /** The job of a record left running by a previous host, seen as a {@link Child}. */
  attach(record: DurableJobRecord): Child {
    return durableChild(this.#childOptions(record.id, record.pid, { processes: this.store.processes(record) }));
  }

  #childOptions(
    jobId: string,
    pid: number,
    extra: Pick<DurableChildOptions, 'processes'> & Partial<DurableChildOptions>,
  ): DurableChildOptions {
    const onDetach = (fn: () => void): (() => void) => {
      if (this.#detach.signal.aborted) fn();
      else this.#onDetach.add(fn);
      return () => this.#onDetach.delete(fn);
    };
    return { runtime: this.#runtime, store: this.store, jobId, pid, onDetach, ...extra };
  }

  /**
   * Records how job `id` ended, before its notice is published: a host that dies right after
   * publishing leaves the end on disk for the next one. A write that fails is reported through
   * `onError` (the notice still goes out: the job did end).
   */
  end(id: string, state: FinalJobState, end: DurableEnd, onError: (error: unknown) => void): void {
    const record = this.#records.get(id);
    // A host that closed no longer owns the directory: the next host records the end.
    if (!record || this.#detach.signal.aborted) return;
    const next: DurableJobRecord = { ...record, state, end };
    try {
      this.store.write(next);
      this.#records.set(id, next);
    } catch (error) {
      onError(error);
    }
  }

  /**
   * Records how `entry` ended (its fields just set by the executor); a write that fails (a full
   * disk) is said in the job's output, so its notice carries it.
   */
  recordEnd(entry: Entry, state: FinalJobState): void {
    const endedAt = entry.endedAt ?? 0;
    this.end(
      entry.id,
      state,
      {
        exitCode: entry.exitCode ?? null,
        signal: entry.signal ?? null,
        durationMs: entry.startedAt === undefined ? 0 : Math.max(0, endedAt - entry.startedAt),
        outputBytes: entry.buffer.totalBytes,
        endedAtMs: Date.now(),
        ...(entry.forced !== undefined ? { forced: entry.forced } : {}),
        ...(entry.error !== undefined ? { error: entry.error } : {}),
      },
      (error) =>
        entry.buffer.append(new TextEncoder().encode(`bgtasks: ${error instanceof Error ? error.message : String(error)}\n`)),
    );
  }

  /** Records that `consumer` acked the final notices among `notices`: not delivered to it again. */
  ack(consumer: string, notices: readonly Notice[], onError: (error: unknown) => void): void {
    if (this.#detach.signal.aborted) return;
    const acks = notices.filter((n) => isFinalNotice(n)).map((n) => ({ consumer, jobId: n.jobId }));
    for (const a of [...this.#unrecorded.splice(0), ...acks]) this.#recordAck(a, onError);
  }

  /** Writes one ack; one that cannot be written (a full disk) is kept to be tried again. */
  #recordAck(ack: { consumer: string; jobId: string }, onError: (error: unknown) => void): void {
    const record = this.#records.get(ack.jobId);
    if (!record || record.ackedBy.includes(ack.consumer)) return;
    const next = { ...record, ackedBy: [...record.ackedBy, ack.consumer] };
    try {
      this.store.write(next);
      this.#records.set(ack.jobId, next);
    } catch (error) {
      this.#unrecorded.push(ack);
      onError(error);
    }
  }

  /**
   * Forgets an ended job the executor dropped under its retention (its notice delivered): its
   * files go too. Not after the host closed: the directory is no longer this host's.
   */
  forget(id: string): void {
    if (this.#detach.signal.aborted || !this.#records.delete(id)) return;
    try {
      this.store.remove(id);
    } catch {
      // left for the next host: a removal that fails loses nothing
    }
  }

  /** The record of job `id`, as last written. */
  record(id: string): DurableJobRecord | undefined {
    return this.#records.get(id);
  }

  /**
   * Reads job `id`'s output from its log file by absolute byte offset, up to `total` (the bytes
   * the host has read so far). Never ends mid-character unless one character is all there is.
   */
  read(id: string, options: ReadOptions, total: number): OutputSlice {
    const requested = options.offset ?? 0;
    const offset = Math.min(total, requested < 0 ? Math.max(0, total + requested) : requested);
    const limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_READ_LIMIT_BYTES));
    const bytes = offset < total ? this.store.readLog(id, offset, Math.min(limit, total - offset)) : new Uint8Array(0);
    const end = alignEnd(bytes, 0, bytes.length) || bytes.length;
    return {
      offset,
      nextOffset: offset + end,
      totalBytes: total,
      text: decodeUtf8(bytes.subarray(0, end)),
      byteLength: end,
      gap: null,
      eof: offset + end >= total,
    };
  }

  /**
   * Stops following the jobs that keep running (the host closes; `entries` are its jobs): the
   * host may exit while they run on. Releases the store's lock.
   */
  detach(entries: Iterable<Entry>): void {
    if (this.#detach.signal.aborted) return;
    for (const a of this.#unrecorded.splice(0)) this.#recordAck(a, () => {});
    for (const e of entries) if (outlivesHost(e)) e.child?.detach?.();
    this.#detach.abort();
    for (const fn of [...this.#onDetach]) fn();
    this.#onDetach.clear();
    this.store.close();
  }
}
