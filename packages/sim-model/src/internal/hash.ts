/** Small deterministic hashing and randomness: ids and filler text from a seed, never Math.random. */

/** FNV-1a, 32 bits. */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a seeded generator of floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An id like the API's (`msg_01...`, `toolu_01...`): prefix + 24 base62 characters from `key`. */
export function makeId(prefix: string, key: string, seed: number): string {
  const next = prng(hash32(key, seed));
  let out = '01';
  for (let i = 0; i < 22; i++) out += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return `${prefix}_${out}`;
}
