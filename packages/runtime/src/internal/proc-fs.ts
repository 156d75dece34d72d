/**
 * Reading `/proc` cheaply: small per-process files through one reused buffer, and the
 * system-wide files every job's end reads through descriptors kept open. Linux only; callers
 * ask {@link hasProcFs} first.
 */
import { Buffer } from 'node:buffer';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

let procAvailable: boolean | undefined;

/** True when `/proc` lists processes (Linux). */
export function hasProcFs(): boolean {
  if (procAvailable === undefined) {
    try {
      procAvailable = readdirSync('/proc').some((name) => name === 'self' || name === '1');
    } catch {
      procAvailable = false;
    }
  }
  return procAvailable;
}

/** One buffer for every small `/proc` read: a job's end reads a few files, each in a few µs. */
let scratch = Buffer.allocUnsafe(4096);

/**
 * The text of a small `/proc` file, or undefined when it cannot be read (the process is gone).
 * Three syscalls into a reused buffer: `readFileSync` costs 2-4 times as much (a stat and a
 * fresh buffer per call), and a scan reads one such file per candidate process.
 */
function readProc(path: string): string | undefined {
  const bytes = readProcBytes(path);
  return bytes === undefined ? undefined : bytes.toString('latin1');
}

/** A descriptor of `path` opened for reading, or undefined when it cannot be (the process is gone). */
function openProc(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch {
    return undefined;
  }
}

/** The bytes of a `/proc` file, in the shared buffer: valid until the next read. */
export function readProcBytes(path: string): Buffer | undefined {
  const fd = openProc(path);
  if (fd === undefined) return undefined;
  try {
    return readFd(fd, null);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads all of `fd` into the shared buffer: from where it stands (`position` null), or whole
 * from offset 0 in one read (`position` 0; a file larger than the buffer is read again from 0 into
 * a larger one, so its text is never stitched from two generations).
 */
function readFd(fd: number, position: 0 | null): Buffer {
  let length = 0;
  for (;;) {
    if (length === scratch.length) {
      const bigger = Buffer.allocUnsafe(scratch.length * 2);
      if (position === null) scratch.copy(bigger, 0, 0, length);
      else length = 0;
      scratch = bigger;
    }
    const room = scratch.length - length;
    const n = readSync(fd, scratch, length, room, position);
    length += n;
    // procfs fills a read as far as the file goes (stat, environ, the counters read here), so a
    // short read is the end: no second call just to see 0.
    if (n < room) break;
  }
  return scratch.subarray(0, length);
}

/** Open descriptors of the system-wide files read at every job's end, by path. */
const heldFds = new Map<string, number>();

/**
 * The text of a system-wide `/proc` file that every job's end reads (the fork count, the last
 * pid), through a descriptor kept open and read from offset 0: procfs regenerates such a file
 * on each read at offset 0, so this is one syscall where opening each time is three. Falls back
 * to opening it again when the descriptor went bad or reads what is not that file (`looksRight`
 * false: the host closed a descriptor it did not open and the number now names another file).
 */
export function readHeldProc(path: string, looksRight: (text: string) => boolean = () => true): string | undefined {
  const held = heldFds.get(path);
  if (held !== undefined) {
    try {
      const text = readFd(held, 0).toString('latin1');
      if (looksRight(text)) return text;
    } catch {
      // closed under us
    }
    // No longer ours (and perhaps another file's now): forget the number, never close it.
    heldFds.delete(path);
  }
  const fd = openProc(path);
  if (fd === undefined) return undefined;
  try {
    const text = readFd(fd, 0).toString('latin1');
    if (looksRight(text)) {
      heldFds.set(path, fd);
      return text;
    }
  } catch {
    // unreadable: not kept
  }
  closeSync(fd);
  return undefined;
}

/** State, process group and start time (clock ticks since boot) of `pid`, or undefined when it is gone. */
export function statOf(pid: string | number): { state: string; pgrp: number; start: number } | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]), start: Number(fields[19]) };
}
