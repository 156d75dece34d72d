/** UTF-8 helpers for cutting byte ranges on character boundaries. */

function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) === 0xc0) return 2;
  if ((lead & 0xf0) === 0xe0) return 3;
  if ((lead & 0xf8) === 0xf0) return 4;
  return 1; // an invalid lead byte stands alone and decodes to U+FFFD
}

/** Moves `start` forward past at most 3 continuation bytes so a read never begins mid-character. */
export function alignStart(bytes: Uint8Array, start: number, end: number): number {
  let s = start;
  while (s < end && s - start < 3 && isContinuation(bytes[s] ?? 0)) s++;
  return s < end && isContinuation(bytes[s] ?? 0) ? start : s;
}

/** Moves `end` back so the last character is whole; invalid sequences are left alone. */
export function alignEnd(bytes: Uint8Array, start: number, end: number): number {
  for (let p = end - 1; p >= start && p >= end - 4; p--) {
    const byte = bytes[p] ?? 0;
    if (isContinuation(byte)) continue;
    const len = sequenceLength(byte);
    return p + len > end && len > 1 ? p : end;
  }
  return end;
}

/** One decoder for every call: a decode without `stream` keeps no state between calls. */
const DECODER = new TextDecoder('utf-8', { fatal: false });

/** Decodes bytes as UTF-8; invalid bytes become U+FFFD, never an exception. */
export function decodeUtf8(bytes: Uint8Array): string {
  return bytes.length === 0 ? '' : DECODER.decode(bytes);
}
