// Reads what `claude -p --output-format stream-json --verbose` printed: the tool results the
// model received, its calls, and the run's result; and checks a scenario's run against it.
import type { Scenario } from '@bgtasks/sim-model';

const FINAL_STATES = new Set(['completed', 'failed', 'killed', 'timed_out', 'lost']);

/** What the model saw and did in one Claude Code run. */
export interface Transcript {
  /** Text of every tool result, in order. */
  results: string[];
  /** Every tool call: full name and input. */
  calls: Array<{ name: string; input: Record<string, unknown> }>;
  /** Text blocks of the last assistant message. */
  lastText: string | undefined;
  result: { subtype: string; isError: boolean; text: string } | undefined;
}

type Block = { type: string; text?: string; name?: string; input?: unknown; content?: unknown };

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((c: Block) => (c.type === 'text' ? (c.text ?? '') : '')).join('\n');
}

/** Parses stream-json output (one JSON object per line; other lines are ignored). */
export function parseTranscript(output: string): Transcript {
  const t: Transcript = { results: [], calls: [], lastText: undefined, result: undefined };
  for (const line of output.split('\n')) {
    let event: { type?: string; message?: { content?: Block[] }; subtype?: string; is_error?: boolean; result?: string };
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    const blocks = event.message?.content ?? [];
    if (event.type === 'assistant') {
      const texts = blocks.filter((b) => b.type === 'text').map((b) => b.text ?? '');
      if (texts.length > 0) t.lastText = texts[texts.length - 1];
      for (const b of blocks)
        if (b.type === 'tool_use') t.calls.push({ name: b.name ?? '', input: (b.input ?? {}) as Record<string, unknown> });
    } else if (event.type === 'user') {
      for (const b of blocks) if (b.type === 'tool_result') t.results.push(textOf(b.content));
    } else if (event.type === 'result') {
      t.result = { subtype: event.subtype ?? '', isError: event.is_error === true, text: event.result ?? '' };
    }
  }
  return t;
}

/**
 * Job id -> final state for each job whose end `text` (one tool result) reports: a final
 * `<bg_notice>`, a `bg_kill` answer (`killed: id: ...`, `job had already ended: id: ...`), or a
 * `check_bg` line (`id: completed ...`).
 */
export function endsIn(text: string): Map<string, string> {
  const ends = new Map<string, string>();
  for (const m of text.matchAll(/<bg_notice ([^>]*)>/g)) {
    const attrs = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    const kind = attrs.kind ?? 'final';
    if (kind === 'final' && attrs.id && attrs.state && FINAL_STATES.has(attrs.state)) ends.set(attrs.id, attrs.state);
  }
  for (const m of text.matchAll(
    /^(?:killed: |job had already ended: )?([A-Za-z0-9._-]+): (completed|failed|killed|timed_out|lost)\b/gm,
  ))
    if (m[1] && m[2] && !ends.has(m[1])) ends.set(m[1], m[2]);
  return ends;
}

/** What is wrong with a run of `scenario` (empty when nothing is). */
export function checkRun(t: Transcript, scenario: Scenario): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string[]>();
  for (const text of t.results) for (const [id, state] of endsIn(text)) seen.set(id, [...(seen.get(id) ?? []), state]);
  const started = new Set(t.calls.filter((c) => /(^|__)bg_bash$/.test(c.name)).map((c) => String(c.input.id)));
  for (const job of scenario.jobs) {
    if (!started.has(job.id)) problems.push(`job ${job.id} was never started`);
    const ends = seen.get(job.id) ?? [];
    if (ends.length !== 1) problems.push(`the end of job ${job.id} reached the model ${ends.length} times (${ends.join(', ')})`);
    // A server runs until the model stops it; every other job completes.
    const expected = job.ready ? 'killed' : 'completed';
    if (ends.length > 0 && ends[0] !== expected) problems.push(`job ${job.id} ended ${ends[0]}, expected ${expected}`);
  }
  const opening = scenario.final.text.split('{')[0] ?? '';
  if (!t.result) problems.push('no result event: the run did not end');
  else {
    if (t.result.subtype !== 'success' || t.result.isError)
      problems.push(`the run ended ${t.result.subtype}: ${t.result.text.slice(0, 200)}`);
    if (!t.result.text.startsWith(opening)) problems.push(`the result is not the model's answer: ${t.result.text.slice(0, 200)}`);
    if (t.lastText !== t.result.text) problems.push('the result differs from the last assistant text');
  }
  return problems;
}
