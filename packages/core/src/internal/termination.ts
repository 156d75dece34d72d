/**
 * Termination: a killed or timed-out job gets SIGTERM on its group and its escaped descendants,
 * a grace to exit, then SIGKILL on whatever of it is left; a job that ended by itself takes
 * what it left running with it.
 */
import { isFinalState } from '../job.ts';
import type { Child, Runtime } from '../runtime.ts';
import type { Entry } from './job-entry.ts';

/** How often the processes of a dying job are checked during its grace. */
const KILL_POLL_MS = 25;
/** How long SIGKILLed processes may take to leave the process table before we stop waiting. */
const SIGKILL_WAIT_MS = 2_000;

/**
 * Starts ending `entry` for `reason`, with `graceMs` before SIGKILL. A job already dying keeps
 * its reason; a shorter grace (shutdown) moves its SIGKILL closer, never further. Returns
 * `'queued'` for a job that never started: the caller takes it off the queue and ends it.
 */
export function terminate(runtime: Runtime, entry: Entry, reason: 'killed' | 'timed_out', graceMs: number): 'queued' | undefined {
  if (isFinalState(entry.state) || entry.exited) return undefined;
  const deadline = runtime.now() + graceMs;
  if (entry.ending) {
    if (entry.killDeadline !== undefined && deadline < entry.killDeadline) entry.killDeadline = deadline;
    return undefined;
  }
  entry.ending = reason;
  if (entry.state === 'queued') return 'queued';
  const child = entry.child;
  if (!child) return undefined;
  entry.killDeadline = deadline;
  entry.terminated = stop(runtime, entry, child);
  return undefined;
}

/** SIGTERM to every process of the job; SIGKILL to what is left at `killDeadline`. */
async function stop(runtime: Runtime, entry: Entry, child: Child): Promise<void> {
  child.kill('SIGTERM');
  for (;;) {
    if (!child.alive()) return;
    const left = (entry.killDeadline ?? 0) - runtime.now();
    if (left <= 0) break;
    await runtime.sleep(Math.min(KILL_POLL_MS, left));
  }
  entry.forced = true;
  await killAll(runtime, child);
}

/** SIGKILL to every process of the job, again until none is left (bounded). */
export async function killAll(runtime: Runtime, child: Child): Promise<void> {
  // One scan when nothing is left (the common end of a job): finding processes is not free.
  if (!child.alive()) return;
  const until = runtime.now() + SIGKILL_WAIT_MS;
  child.kill('SIGKILL');
  while (child.alive() && runtime.now() < until) {
    await runtime.sleep(KILL_POLL_MS);
    child.kill('SIGKILL');
  }
}
