/**
 * Reading job states out of tool results and notices, tolerantly: the formats of the poll tools
 * belong to another package, so this looks for a job id and a state word on the same line
 * (`state="failed"`, `state: failed` or a bare `failed`), and for `<bg_notice>` blocks.
 * The README lists the exact formats relied on.
 */
import { parseNotices } from '@bgtasks/core';

/** Job states the model recognises, in the words the tools print. */
export const STATE_WORDS = ['completed', 'failed', 'killed', 'timed_out', 'lost', 'running', 'queued'] as const;
export type SeenState = (typeof STATE_WORDS)[number];

/** One thing learned about a job. */
export interface SeenJob {
  /** The id as the tools print it. */
  id: string;
  state: SeenState;
  exitCode?: number;
  tail?: string;
}

const STATE = '(completed|failed|killed|timed[_ ]out|lost|running|queued)';
const KEYED_STATE = new RegExp(`state["']?\\s*[=:]\\s*["']?${STATE}\\b`, 'i');
const BARE_STATE = new RegExp(`\\b${STATE}\\b`, 'i');
/** The same, global, for `matchAll` (which copies it, so sharing one is safe). */
const BARE_STATES = new RegExp(BARE_STATE.source, 'gi');
const EXIT_CODE = /exit(?:[_ ]?code)?["']?\s*[=:]?\s*["']?(-?\d+)/i;
const NOTICE_BLOCK = /<bg_notice [^>]*>\n[\s\S]*?<\/bg_notice>/g;

function normalise(word: string): SeenState {
  return word.toLowerCase().replace(' ', '_') as SeenState;
}

const ID_CHAR = /[A-Za-z0-9._-]/;

/**
 * True when `id` stands on `line` as a whole id: not inside a longer one (no id character
 * `[A-Za-z0-9._-]` just before or after). A scan with `indexOf`, not a RegExp built per call:
 * the model reads every line of every result for every job id on every request.
 */
function mentions(line: string, id: string): boolean {
  if (id === '') return false;
  for (let at = line.indexOf(id); at >= 0; at = line.indexOf(id, at + 1)) {
    const before = at === 0 ? '' : line.charAt(at - 1);
    const after = line.charAt(at + id.length);
    if ((before === '' || !ID_CHAR.test(before)) && (after === '' || !ID_CHAR.test(after))) return true;
  }
  return false;
}

/** The state on `line`: a keyed `state=x` first, else the state word nearest to `id`. */
function stateIn(line: string, id?: string): SeenState | undefined {
  const keyed = KEYED_STATE.exec(line);
  if (keyed?.[1]) return normalise(keyed[1]);
  const at = id === undefined ? 0 : Math.max(0, line.indexOf(id));
  let best: { word: string; distance: number } | undefined;
  for (const m of line.matchAll(BARE_STATES)) {
    const distance = Math.abs((m.index ?? 0) - at);
    if (m[1] && (!best || distance < best.distance)) best = { word: m[1], distance };
  }
  return best ? normalise(best.word) : undefined;
}

function exitIn(line: string): number | undefined {
  const m = EXIT_CODE.exec(line);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** Every `<bg_notice>` in `text`, as seen jobs. */
export function noticesIn(text: string): SeenJob[] {
  return parseNotices(text).flatMap((n) => {
    const state = (STATE_WORDS as readonly string[]).includes(n.state) ? (n.state as SeenState) : undefined;
    if (!state) return [];
    const seen: SeenJob = { id: n.jobId, state, tail: n.tail };
    if (n.exitCode !== null) seen.exitCode = n.exitCode;
    return [seen];
  });
}

/**
 * Job states in the text of a poll tool's result (`check_bg`, `bg_wait`, `bg_kill`).
 * `ids` are the job ids to look for; `subject` is the one job the call was about, if any: its
 * state may stand on a line without its id (`state: completed`).
 */
export function statesIn(text: string, ids: readonly string[], subject?: string): SeenJob[] {
  const out: SeenJob[] = noticesIn(text);
  const plain = text.replace(NOTICE_BLOCK, '');
  const lines = plain.split('\n');
  const found = new Set(out.map((s) => s.id));
  for (const line of lines) {
    const named = ids.filter((id) => mentions(line, id));
    if (named.length !== 1) continue;
    const id = named[0]!;
    const state = stateIn(line, id);
    if (!state || found.has(id)) continue;
    const seen: SeenJob = { id, state };
    const code = exitIn(line);
    if (code !== undefined) seen.exitCode = code;
    out.push(seen);
    found.add(id);
  }
  if (subject !== undefined && !found.has(subject)) {
    // Prefer an explicit `state: x` anywhere, then the first line that has a state word.
    const keyed = lines.find((l) => KEYED_STATE.test(l));
    const line = keyed ?? lines.find((l) => BARE_STATE.test(l));
    const state = line === undefined ? undefined : stateIn(line);
    if (state) {
      const seen: SeenJob = { id: subject, state };
      const code = exitIn(plain);
      if (code !== undefined) seen.exitCode = code;
      out.push(seen);
    }
  }
  return out;
}

/** The job id in a `bg_bash` result such as `started job "npm-1" (npm install)`. */
export function startedIdIn(text: string): string | undefined {
  return /"([A-Za-z0-9][A-Za-z0-9._-]{0,63})"/.exec(text)?.[1];
}
