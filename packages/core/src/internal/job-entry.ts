/**
 * The executor's record of one job, from submit to drop: its spec, state, process, output and
 * watchers. Every concept file of the executor reads and writes these fields; only the
 * executor creates them ({@link newEntry}).
 */

import type { LogWriter } from '../full-log.ts';
import type { Job, JobSpec, JobState } from '../job.ts';
import type { LineSplitter } from '../job-watch.ts';
import type { OutputBuffer } from '../output-buffer.ts';
import type { Child } from '../runtime.ts';
import type { Deadline } from './deadlines.ts';
import type { Deferred } from './deferred.ts';

/** One job as the executor keeps it. */
export interface Entry {
  id: string;
  spec: JobSpec;
  state: JobState;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  pid?: number;
  exitCode?: number | null;
  signal?: string | null;
  forced?: boolean;
  error?: string;
  child?: Child;
  /** Tag in the job's environment that finds its escaped descendants. */
  marker: string;
  ending?: 'killed' | 'timed_out';
  /** When SIGKILL follows the SIGTERM of a kill or timeout (clock ms); shutdown may move it closer. */
  killDeadline?: number;
  /** Resolves once every process of a killed or timed-out job is gone. */
  terminated?: Promise<void>;
  /** The main process has exited; only draining output remains. */
  exited?: boolean;
  /** The job's timeout while it runs (see {@link Deadlines}). */
  deadline?: Deadline<Entry>;
  /**
   * Stops the watchers of a running job that asked for any (readiness, progress, prompts);
   * dropped once the job has ended. Most jobs have none, and no controller.
   */
  timers?: AbortController;
  buffer: OutputBuffer;
  /** Made when something first waits for the job's end: most jobs are only read through their notice. */
  done?: Deferred<Job>;
  lines: LineSplitter;
  /** Called with each complete output line (waiters on a pattern). */
  lineListeners?: Set<(line: string) => void>;
  /** Clock time of the last output (or of the start). */
  lastOutputAt: number;
  /**
   * Output offset at which `input_required` was last published: a prompt is announced once,
   * and the next one (printed after the answer) sits at a later offset.
   */
  promptAt?: number;
  log?: LogWriter;
  /** Runs under the durable supervisor: output from its log file, end recorded in the store. */
  durable: boolean;
  /** Reattached: output up to this byte was read before (by the previous host); watches skip it. */
  replayUntil: number;
}

/**
 * A queued job's record. Every field from the start, and none ever deleted (a field that goes
 * is set to undefined): all entries share one shape. `delete` would give each kept job a
 * dictionary of its own (about 1 KB more per job, measured).
 */
export function newEntry(spec: JobSpec & { id: string }, now: number, buffer: OutputBuffer, lines: LineSplitter): Entry {
  return {
    id: spec.id,
    spec,
    state: 'queued',
    queuedAt: now,
    startedAt: undefined,
    endedAt: undefined,
    pid: undefined,
    exitCode: undefined,
    signal: undefined,
    forced: undefined,
    error: undefined,
    child: undefined,
    marker: newMarker(),
    ending: undefined,
    killDeadline: undefined,
    terminated: undefined,
    exited: undefined,
    deadline: undefined,
    timers: undefined,
    buffer,
    done: undefined,
    lines,
    lineListeners: undefined,
    lastOutputAt: now,
    promptAt: undefined,
    log: undefined,
    durable: false,
    replayUntil: 0,
  };
}

/** Character codes of the hex digits. */
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * A marker no other job of any host shares (see {@link SpawnOptions.marker}): `bgt-` and a random
 * (version 4) UUID. Built from character codes in one piece: `crypto.randomUUID()` hands back a
 * string made of a dozen concatenated parts on Node, and every kept job held them all (about
 * 0.5 KB, measured).
 */
function newMarker(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const codes = [98, 103, 116, 45]; // "bgt-"
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) codes.push(45);
    const byte = bytes[i] ?? 0;
    codes.push(HEX_CODES[byte >> 4] ?? 48, HEX_CODES[byte & 15] ?? 48);
  }
  return String.fromCharCode(...codes);
}
