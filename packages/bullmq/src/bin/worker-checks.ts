// bgtasks-worker's checks of its flag values, before it connects to anything: each mistake is a
// UsageError (one line on stderr, exit 2), never a worker that starts "ready" and then fails
// every job, nor a raw system or BullMQ message.
import { statSync } from 'node:fs';
import { UsageError } from '@bgtasks/runtime/cli';

/** What kind of thing `path` names, or undefined when nothing is there. */
function kindOf(path: string): 'directory' | 'file' | undefined {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return undefined;
  }
}

/** `--cwd-root`: an existing directory (jobs run in it or below it). */
export function checkCwdRoot(dir: string): void {
  const kind = kindOf(dir);
  if (kind === undefined) throw new UsageError(`--cwd-root: "${dir}" does not exist; pass an existing directory`);
  if (kind !== 'directory') throw new UsageError(`--cwd-root: "${dir}" is not a directory`);
}

/** `--state-dir`: a directory, or a path where one can be made (it is created when missing). */
export function checkStateDir(dir: string): void {
  if (dir.length === 0) throw new UsageError('--state-dir: must not be empty');
  const kind = kindOf(dir);
  if (kind === 'file') throw new UsageError(`--state-dir: "${dir}" is a file, not a directory`);
}

/** `--redis` (or `$BGTASKS_REDIS_URL`, named by `source`): a `redis://` or `rediss://` URL with a host. */
export function checkRedisUrl(url: string, source: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    // The value may hold a password: it is not echoed.
    throw new UsageError(`${source}: not a Redis URL; expected redis://[user:password@]host[:port][/db] or rediss://...`);
  }
}

/** `--queue`: a non-empty name without ":" (BullMQ joins its keys with ":" and refuses one in a name). */
export function checkQueueName(name: string): void {
  if (name.length === 0) throw new UsageError('--queue: must not be empty');
  if (name.includes(':')) throw new UsageError(`--queue: "${name}" contains ":", which BullMQ refuses in a queue name`);
}

/** `--prefix`: non-empty (it starts every key of the queue). */
export function checkPrefix(prefix: string): void {
  if (prefix.length === 0) throw new UsageError('--prefix: must not be empty');
}
