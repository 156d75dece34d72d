/**
 * Host I/O shared by the Node, Bun and Deno runtimes (all three implement `node:fs` and
 * `node:net`): the TCP port probe and the file access of full job logs.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import type { ChildStdin, FileSink, RuntimeFiles } from '@bgtasks/core';

/** True when 127.0.0.1:`port` accepts a TCP connection within `timeoutMs`. */
export function probePort(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * How a log file is opened: created, never reused (`O_EXCL`: whatever is already at the path, a
 * symlink planted there included, makes the open fail) and never through a symlink
 * (`O_NOFOLLOW`, where the platform has it); what `'wx'` means, plus no-follow.
 */
const CREATE_NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** {@link RuntimeFiles} over `node:fs`. */
export const hostFiles: RuntimeFiles = {
  async mkdir(path) {
    await mkdir(path, { recursive: true, mode: 0o700 });
  },
  async append(path): Promise<FileSink> {
    const handle = await open(path, CREATE_NEW_FILE, 0o600);
    let closed = false;
    return {
      async write(bytes) {
        let at = 0;
        while (at < bytes.length) {
          const { bytesWritten } = await handle.write(bytes, at, bytes.length - at);
          at += bytesWritten;
        }
      },
      async close() {
        if (closed) return;
        closed = true;
        await handle.close();
      },
    };
  },
  read(path, offset, length) {
    const fd = openSync(path, 'r');
    try {
      const out = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, out, got, length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return out.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  },
  async remove(path) {
    await rm(path, { force: true });
  },
};

/** A {@link ChildStdin} over a web `WritableStream` (Deno) or anything with the same shape. */
export function stdinFromWritable(stream: WritableStream<Uint8Array>): ChildStdin {
  const writer = stream.getWriter();
  let closed = false;
  return {
    async write(bytes) {
      if (closed) throw new Error('stdin is closed');
      await writer.write(bytes);
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.close().catch(() => {});
    },
  };
}
