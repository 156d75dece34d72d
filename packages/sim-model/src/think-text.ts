/**
 * The text of a think step: the step's own words, then plausible working notes, padded
 * deterministically (from the seed) to about the step's output tokens, so that the transcript,
 * the output-token count and the input tokens of later turns agree with each other.
 */
import { hash32, prng } from './internal/hash.ts';

const OPENERS = ['Looking at', 'Checking', 'Reading', 'Comparing', 'Tracing', 'Noting', 'Reviewing', 'Following'];
const OBJECTS = [
  'the config',
  'the module graph',
  'the public types',
  'the call sites',
  'the error paths',
  'the imports',
  'the test fixtures',
  'the lock file',
  'the build script',
  'the changelog',
  'the edge cases',
  'the docs',
];
const ENDINGS = [
  'for consistency.',
  'before going on.',
  'to keep the change small.',
  'so nothing is missed.',
  'against the plan.',
];

/**
 * `text` followed by whole filler sentences, as many as fit in `targetChars` (so a sentence is never
 * cut mid-word); `text` alone when it is that long already.
 */
export function padText(text: string, targetChars: number, key: string, seed: number): string {
  if (text.length >= targetChars) return text;
  const next = prng(hash32(key, seed));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const sentences: string[] = [];
  let length = text.length + 2;
  for (;;) {
    const sentence = `${pick(OPENERS)} ${pick(OBJECTS)} ${pick(ENDINGS)}`;
    const added = sentence.length + (sentences.length > 0 ? 1 : 0);
    if (length + added > targetChars) break;
    sentences.push(sentence);
    length += added;
  }
  return sentences.length === 0 ? text : `${text}\n\n${sentences.join(' ')}`;
}
