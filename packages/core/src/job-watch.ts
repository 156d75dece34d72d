/**
 * What the executor watches in a running job's output: lines (for readiness patterns) and
 * prompts (for `input_required`). The full log on disk is {@link LogWriter} (full-log.ts).
 */
import { compileSafePattern, type SafePattern } from './safe-pattern.ts';

/**
 * Longest line (in characters) a readiness pattern is matched against: a regex comes from a
 * model and is untrusted, so its input is bounded (a longer line is matched by its first part).
 */
export const MAX_MATCH_LINE_CHARS = 1_024;

/**
 * Compiles a readiness pattern from untrusted input, matched in linear time (see
 * {@link compileSafePattern}); a bad one is an {@link InvalidJobSpecError} naming `field`.
 */
export function compilePattern(field: string, pattern: string): SafePattern {
  return compileSafePattern(field, pattern);
}

/** Splits decoded output into lines, each capped at {@link MAX_MATCH_LINE_CHARS}. */
export class LineSplitter {
  /** Made at the first chunk: most jobs' output is never split into lines. */
  #decoder: TextDecoder | undefined;
  #partial = '';

  /** The complete lines in `chunk` (with the partial line left over from before). */
  push(chunk: Uint8Array): string[] {
    this.#decoder ??= new TextDecoder('utf-8', { fatal: false });
    const text = this.#decoder.decode(chunk, { stream: true });
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        this.#add(text.slice(start));
        return lines;
      }
      this.#add(text.slice(start, nl));
      lines.push(this.#partial.replace(/\r$/, ''));
      this.#partial = '';
      start = nl + 1;
    }
  }

  /** Starts over with `partial` as the line being written (after chunks went unsplit). */
  seed(partial: string): void {
    this.#partial = '';
    this.#add(partial);
  }

  /** Keeps the start of a long line: a pattern anchored with `^` still matches it. */
  #add(text: string): void {
    if (this.#partial.length < MAX_MATCH_LINE_CHARS) this.#partial += text.slice(0, MAX_MATCH_LINE_CHARS - this.#partial.length);
  }

  /** The line written so far without its newline (a prompt usually is one), capped. */
  get partial(): string {
    return this.#partial;
  }
}

/** Ends of a line that asks for input: `?`, `:`, `>`, `[y/N]`, `(yes/no)`, `password`... */
const PROMPT_END = /(?:[?:>]|\[[yn]\/[yn]\]|\((?:y|yes)\/(?:n|no)\)|password|passphrase)\s*$/i;

/** True when `line` looks like a prompt waiting for an answer. */
export function looksLikePrompt(line: string): boolean {
  const trimmed = line.trimEnd();
  return trimmed.length > 0 && trimmed.length <= 300 && PROMPT_END.test(trimmed);
}
