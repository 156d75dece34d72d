/**
 * A job's input: writing to its stdin (bounded by a timeout, for a job that never reads),
 * closing it, and watching a piped job's output for a prompt that waits for an answer.
 */
import { checkDuration } from '../duration.ts';
import { JobInputError } from '../errors.ts';
import { DEFAULT_PROMPT_IDLE_MS } from '../executor-options.ts';
import { isFinalState } from '../job.ts';
import { looksLikePrompt } from '../job-watch.ts';
import type { NotificationBus } from '../notification-bus.ts';
import type { ChildStdin, Runtime } from '../runtime.ts';
import { closeStdinWithin, writeToStdin } from '../stdin-feed.ts';
import type { Entry } from './job-entry.ts';
import { publishRunning } from './notices.ts';

/** The stdin of a running piped job; a {@link JobInputError} says why there is none. */
export function jobStdin(entry: Entry): ChildStdin {
  if (entry.spec.stdin !== 'pipe') {
    throw new JobInputError(entry.id, `its stdin is /dev/null; submit it with stdin: "pipe" to write to it`);
  }
  if (entry.state === 'queued') throw new JobInputError(entry.id, 'it is still queued; wait until it runs');
  if (isFinalState(entry.state) || !entry.child?.stdin) {
    throw new JobInputError(entry.id, `it has ended (${entry.state})`);
  }
  return entry.child.stdin;
}

/**
 * Writes `text` to the job's stdin: a {@link JobInputError} when the job has not taken it within
 * `timeoutMs`, or when more than 8 MiB would then wait for it (see stdin-feed.ts).
 */
export async function writeInput(runtime: Runtime, entry: Entry, text: string, timeoutMs: number): Promise<void> {
  await writeToStdin(runtime, entry.id, jobStdin(entry), new TextEncoder().encode(text), timeoutMs);
}

/** Closes the job's stdin; a {@link JobInputError} when the job has not read what is queued within `timeoutMs`. */
export async function closeInput(runtime: Runtime, entry: Entry, timeoutMs: number): Promise<void> {
  await closeStdinWithin(runtime, entry.id, jobStdin(entry), timeoutMs);
}

/**
 * Publishes `input_required` when a piped job's output has been idle for `promptIdleMs` and its
 * last line looks like a prompt; once per prompt (the next one sits at a later offset).
 */
export async function watchPrompts(
  runtime: Runtime,
  bus: NotificationBus,
  entry: Entry,
  promptIdleMs: number | undefined,
  signal: AbortSignal,
): Promise<void> {
  const idleMs = checkDuration('promptIdleMs', promptIdleMs ?? DEFAULT_PROMPT_IDLE_MS);
  while (!signal.aborted) {
    const left = entry.lastOutputAt + idleMs - runtime.now();
    if (left > 0) {
      try {
        await runtime.sleep(left, signal);
      } catch {
        return;
      }
      continue;
    }
    const at = entry.buffer.totalBytes;
    const line = entry.lines.partial || entry.buffer.tail(512, 1).replace(/\n$/, '');
    if (entry.state === 'running' && at > 0 && entry.promptAt !== at && looksLikePrompt(line)) {
      entry.promptAt = at;
      publishRunning(runtime, bus, entry, 'input_required', { tail: line });
    }
    try {
      await runtime.sleep(idleMs, signal);
    } catch {
      return;
    }
  }
}
