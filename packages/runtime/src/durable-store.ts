/**
 * The file-backed {@link DurableStore}: one directory per host, holding per job a record
 * (`<id>.json`, written atomically: temporary file, then rename; validated with zod on read),
 * its log (`<id>.log`) and, once it ended, its exit status (`<id>.exit`, written by the job's
 * supervisor). A lock file (`host.lock`: pid and kernel start time) keeps a second live host
 * out; a directory owned by another user, or writable by group or others, is refused.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import process from 'node:process';
import {
  type DurableExit,
  type DurableJobRecord,
  DurableJobRecordSchema,
  type DurableLoad,
  type DurableProblem,
  type DurableStore,
  JOB_ID_PATTERN,
  parseExitFile,
  StateDirError,
} from '@bgtasks/core';
import { hostFiles } from './internal/host-io.ts';
import { jobAlive, signalJob } from './internal/proc-tree.ts';
import { sendSignal } from './internal/process-host.ts';
import { processStartTime } from './job-registry.ts';

/** Name of the lock file in a state directory. */
export const LOCK_FILE = 'host.lock';

/** Options of {@link createDurableStore}. */
export interface DurableStoreOptions {
  /** The host's state directory; created owner-only when missing. */
  dir: string;
  /**
   * Take the directory's lock (default true): a second live host on it is refused. `false`
   * opens it to look and kill only (what the `bgtasks` command does).
   */
  lock?: boolean;
}

/**
 * Where the state directories of durable jobs live: `$BGTASKS_STATE_DIR`, else
 * `$XDG_STATE_HOME/bgtasks/durable`, else `~/.local/state/bgtasks/durable`. Each host takes a
 * directory of its own below it.
 * @example
 * const store = createDurableStore({ dir: join(defaultStateRoot(), 'mcp') });
 */
export function defaultStateRoot(env: Record<string, string | undefined> = process.env): string {
  if (env.BGTASKS_STATE_DIR) return env.BGTASKS_STATE_DIR;
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'bgtasks', 'durable');
  return join(env.HOME || homedir(), '.local', 'state', 'bgtasks', 'durable');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Refuses a directory another user owns or others may write to: they could plant records. */
function checkOwnership(dir: string): void {
  const st = statSync(dir);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new StateDirError(
      dir,
      `state directory ${dir} is owned by uid ${st.uid}, not by this user (uid ${uid}); use a directory of your own`,
    );
  }
  if ((st.mode & 0o022) !== 0) {
    throw new StateDirError(
      dir,
      `state directory ${dir} is writable by ${st.mode & 0o002 ? 'everyone' : 'its group'} (mode ${(st.mode & 0o777).toString(8)}); run chmod 700 on it`,
    );
  }
}

interface LockInfo {
  pid: number;
  start: string | null;
}

function readLock(path: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, start: typeof parsed.start === 'string' ? parsed.start : null };
  } catch {
    return undefined;
  }
}

/** True when the host that wrote `lock` still runs (the same process, not a reused pid). */
function lockHolderAlive(lock: LockInfo): boolean {
  const start = processStartTime(lock.pid);
  if (start === null) {
    try {
      process.kill(lock.pid, 0);
      return lock.start === null; // no /proc: a live pid is taken as the holder
    } catch {
      return false;
    }
  }
  return lock.start === null || start === lock.start;
}

/** Takes the directory's lock; throws {@link StateDirError} naming the live host that holds it. */
function takeLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const own: LockInfo = { pid: process.pid, start: processStartTime(process.pid) };
  const held = readLock(path);
  if (held && lockHolderAlive(held)) {
    const who = held.pid === process.pid ? 'this process (another executor)' : `another live host, pid ${held.pid}`;
    throw new StateDirError(
      path,
      `state directory ${dir} is in use by ${who} (lock ${path}); give each host its own state directory, or stop that host first`,
    );
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(own), { mode: 0o600 });
  renameSync(tmp, path);
  // Two hosts that found the same stale lock both renamed theirs: the last one holds it.
  const now = readLock(path);
  if (now?.pid !== own.pid) {
    throw new StateDirError(path, `state directory ${dir} was taken by another host, pid ${now?.pid} (lock ${path})`);
  }
  return () => {
    if (readLock(path)?.pid === own.pid) rmSync(path, { force: true });
  };
}

/** The file-backed store, with what `bgtasks kill` needs besides the executor's interface. */
export interface LocalDurableStore extends DurableStore {
  /** Notes that the job's end was asked for from outside its host: it ends `killed`. */
  markKilled(jobId: string): void;
  /** Writes the job's exit status when its supervisor could not (it was SIGKILLed); never overwrites one. */
  recordExit(jobId: string, status: number): void;
}

/**
 * @example
 * const store = createDurableStore({ dir: join(defaultStateRoot(), 'agent') });
 * const executor = new BackgroundExecutor(createRuntime(), { durable: { store } });
 */
export function createDurableStore(options: DurableStoreOptions): LocalDurableStore {
  const dir = options.dir.replace(/\/+$/, '') || '/';
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StateDirError(dir, `cannot create state directory ${dir}: ${message(error)}`, { cause: error });
  }
  checkOwnership(dir);
  const release = options.lock === false ? () => {} : takeLock(dir);
  const file = (id: string, ext: string): string => join(dir, `${id}.${ext}`);
  let closed = false;

  return {
    dir,
    name: basename(dir),
    hostPid: process.pid,
    load(): DurableLoad {
      const records: DurableJobRecord[] = [];
      const problems: DurableProblem[] = [];
      for (const name of readdirSync(dir).sort()) {
        if (!name.endsWith('.json')) continue;
        const jobId = name.slice(0, -'.json'.length);
        if (!JOB_ID_PATTERN.test(jobId)) continue;
        const path = join(dir, name);
        let text: string;
        try {
          text = readFileSync(path, 'utf8');
        } catch (error) {
          problems.push({ file: path, jobId, message: `cannot read job record ${path}: ${message(error)}` });
          continue;
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          problems.push({
            file: path,
            jobId,
            message: `job record ${path} is corrupt or truncated (${message(error)}); the job is reported lost`,
          });
          continue;
        }
        const parsed = DurableJobRecordSchema.safeParse(json);
        if (!parsed.success || parsed.data.id !== jobId) {
          const why = parsed.success
            ? `it names job ${parsed.data.id}`
            : parsed.error.issues
                .slice(0, 3)
                .map((i) => `${i.path.join('.') || 'record'}: ${i.message}`)
                .join('; ');
          problems.push({ file: path, jobId, message: `job record ${path} is not valid (${why}); the job is reported lost` });
          continue;
        }
        records.push(parsed.data);
      }
      return { records, problems };
    },
    prepare(jobId) {
      const log = file(jobId, 'log');
      const exit = file(jobId, 'exit');
      try {
        rmSync(exit, { force: true });
        rmSync(file(jobId, 'killed'), { force: true });
        writeFileSync(log, '', { mode: 0o600 });
      } catch (error) {
        throw new StateDirError(log, `cannot create the log ${log}: ${message(error)}`, { cause: error });
      }
      return { log, exit };
    },
    write(record) {
      const path = file(record.id, 'json');
      const tmp = `${path}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
        renameSync(tmp, path);
      } catch (error) {
        rmSync(tmp, { force: true });
        throw new StateDirError(path, `cannot write job record ${path}: ${message(error)}`, { cause: error });
      }
    },
    remove(jobId) {
      for (const ext of ['json', 'log', 'exit', 'killed']) rmSync(file(jobId, ext), { force: true });
    },
    quarantine(jobId) {
      const path = file(jobId, 'json');
      try {
        renameSync(path, `${path}.corrupt-${Date.now()}`);
      } catch {
        // already moved or gone
      }
    },
    readLog(jobId, offset, length) {
      // A log not written yet (or removed by retention) reads as empty.
      try {
        return hostFiles.read(file(jobId, 'log'), offset, length);
      } catch {
        return new Uint8Array(0);
      }
    },
    logSize(jobId) {
      try {
        return statSync(file(jobId, 'log')).size;
      } catch {
        return 0;
      }
    },
    readExit(jobId): DurableExit | undefined {
      const path = file(jobId, 'exit');
      let text: string;
      let endedAtMs: number;
      try {
        text = readFileSync(path, 'utf8');
        endedAtMs = statSync(path).mtimeMs;
      } catch {
        return undefined;
      }
      const status = parseExitFile(text) ?? { exitCode: null, signal: null };
      return { ...status, endedAtMs, killed: existsSync(file(jobId, 'killed')) };
    },
    processes(record) {
      // The supervisor's pid names the job's group only while it is the same process.
      const now = processStartTime(record.pid);
      const ours = record.pidStart === null || now === null || now === record.pidStart;
      const pgid = ours ? record.pid : -1;
      const since = record.pidStart === null ? undefined : Number(record.pidStart);
      return {
        kill: (signal) => signalJob(pgid, record.marker, signal, sendSignal, since),
        alive: () => jobAlive(pgid, record.marker, sendSignal, since),
      };
    },
    processStart: (pid) => processStartTime(pid),
    markKilled(jobId) {
      writeFileSync(file(jobId, 'killed'), '', { mode: 0o600 });
    },
    recordExit(jobId, status) {
      const path = file(jobId, 'exit');
      if (existsSync(path)) return;
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${status}\n`, { mode: 0o600 });
      renameSync(tmp, path);
    },
    close() {
      if (closed) return;
      closed = true;
      release();
    },
  };
}
