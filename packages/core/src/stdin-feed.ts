/**
 * Input to a piped job (`stdin: 'pipe'`) that can neither hang the caller nor grow the host
 * without bound: a write or a close that the job does not take within the write timeout returns
 * with a {@link JobInputError} (its bytes stay queued for the job), and at most
 * {@link MAX_QUEUED_INPUT_BYTES} of such bytes may wait per job; past that a write is refused.
 */
import { JobInputError } from './errors.ts';
import type { ChildStdin, Runtime } from './runtime.ts';

/** Most bytes written to a job but not yet taken by it (its pipe full) that the host holds: 8 MiB. */
export const MAX_QUEUED_INPUT_BYTES = 8 * 1024 * 1024;

/** What the host holds for one job's stdin. */
interface Feed {
  /** Bytes handed to the pipe whose write has not completed. */
  queued: number;
}

/** One feed per pipe; dropped with the pipe. */
const feeds = new WeakMap<ChildStdin, Feed>();

function feedOf(stdin: ChildStdin): Feed {
  let feed = feeds.get(stdin);
  if (feed === undefined) {
    feed = { queued: 0 };
    feeds.set(stdin, feed);
  }
  return feed;
}

/** Resolves `'done'` when `work` settles (rejecting as it does), `'stuck'` after `timeoutMs`. */
async function within(runtime: Runtime, timeoutMs: number, work: Promise<void>): Promise<'done' | 'stuck'> {
  const stop = new AbortController();
  try {
    return await Promise.race([
      work.then(() => 'done' as const),
      runtime.sleep(timeoutMs, stop.signal).then(() => 'stuck' as const),
    ]);
  } finally {
    stop.abort();
  }
}

/**
 * Writes `bytes` to the stdin of job `jobId`. Throws {@link JobInputError} when the job has not
 * taken them within `timeoutMs` (they stay queued for it), when more than
 * {@link MAX_QUEUED_INPUT_BYTES} would then wait for it, or when its stdin is closed.
 */
export async function writeToStdin(
  runtime: Runtime,
  jobId: string,
  stdin: ChildStdin,
  bytes: Uint8Array,
  timeoutMs: number,
): Promise<void> {
  const feed = feedOf(stdin);
  if (bytes.length > MAX_QUEUED_INPUT_BYTES) {
    throw new JobInputError(
      jobId,
      `${bytes.length} bytes in one write is more than the ${MAX_QUEUED_INPUT_BYTES} bytes (8 MiB) that may wait for a job; send them in parts`,
    );
  }
  if (feed.queued + bytes.length > MAX_QUEUED_INPUT_BYTES) {
    throw new JobInputError(
      jobId,
      `${feed.queued} bytes written earlier still wait for it to read them (the pipe is full), and at most ${MAX_QUEUED_INPUT_BYTES} bytes (8 MiB) may wait per job; these ${bytes.length} bytes were not queued`,
    );
  }
  feed.queued += bytes.length;
  const writing = stdin.write(bytes);
  // Counted until the pipe takes them (or refuses them: the job ended or closed its stdin).
  void writing.then(
    () => {
      feed.queued -= bytes.length;
    },
    () => {
      feed.queued -= bytes.length;
    },
  );
  let outcome: 'done' | 'stuck';
  try {
    outcome = await within(runtime, timeoutMs, writing);
  } catch (error) {
    throw new JobInputError(jobId, 'its stdin is closed (the job closed it or ended)', { cause: error });
  }
  if (outcome === 'stuck') {
    throw new JobInputError(
      jobId,
      `it has not read its input within ${timeoutMs} ms (the pipe is full); the ${bytes.length} bytes stay queued for it (${feed.queued} bytes wait in all, at most ${MAX_QUEUED_INPUT_BYTES} per job)`,
    );
  }
}

/**
 * Closes the stdin of job `jobId` (it reads end-of-file once it has read what is queued).
 * Throws {@link JobInputError} when that has not happened within `timeoutMs`: the close stays
 * pending and completes when the job reads the rest.
 */
export async function closeStdinWithin(runtime: Runtime, jobId: string, stdin: ChildStdin, timeoutMs: number): Promise<void> {
  const closing = stdin.close();
  closing.catch(() => {});
  let outcome: 'done' | 'stuck';
  try {
    outcome = await within(runtime, timeoutMs, closing);
  } catch (error) {
    throw new JobInputError(jobId, 'its stdin could not be closed', { cause: error });
  }
  if (outcome === 'stuck') {
    const queued = feedOf(stdin).queued;
    throw new JobInputError(
      jobId,
      `it has not read its input within ${timeoutMs} ms (the pipe is full${queued > 0 ? `, ${queued} bytes wait` : ''}); its stdin closes once it has read what is queued`,
    );
  }
}
