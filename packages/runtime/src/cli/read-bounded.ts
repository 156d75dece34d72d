import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from './usage-error.ts';

/**
 * Reads a text file named on a command line, at most `maxBytes`: a larger file, `/dev/zero` or
 * an endless pipe is refused after reading `maxBytes + 1` bytes, never read whole. A directory
 * or a missing file is a {@link UsageError} too.
 */
export function readTextFileBounded(flag: string, path: string, maxBytes: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new UsageError(
      `--${flag}: cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? error)}`,
      { cause: error },
    );
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new UsageError(`--${flag}: ${path} is a directory, not a file`);
    const buffer = new Uint8Array(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) throw new UsageError(`--${flag}: ${path} is larger than ${maxBytes} bytes, the most --${flag} reads`);
    return new TextDecoder().decode(buffer.subarray(0, length));
  } catch (error) {
    if (UsageError.isInstance(error)) throw error;
    throw new UsageError(`--${flag}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  } finally {
    closeSync(fd);
  }
}
