import { builtinScenario } from '@bgtasks/sim-model';
import { describe, expect, test } from 'vitest';
import { checkRun, endsIn, parseTranscript } from './transcript.ts';

const notice = (id: string, state: string, kind = '') =>
  `<bg_notice id="${id}"${kind ? ` kind="${kind}"` : ''} state="${state}" output_bytes="3">\nok\n</bg_notice>`;

function line(event: object): string {
  return JSON.stringify(event);
}
function call(name: string, input: object) {
  return line({ type: 'assistant', message: { content: [{ type: 'tool_use', id: 'x', name, input }] } });
}
function result(text: string) {
  return line({
    type: 'user',
    message: { content: [{ type: 'tool_result', tool_use_id: 'x', content: [{ type: 'text', text }] }] },
  });
}
function answer(text: string) {
  return [
    line({ type: 'assistant', message: { content: [{ type: 'text', text }] } }),
    line({ type: 'result', subtype: 'success', is_error: false, result: text }),
  ];
}

const DEV = builtinScenario('dev-server');
const done = 'The end-to-end tests passed against the dev server (e2e); the server is stopped.';

describe('reading a Claude Code transcript', () => {
  test('endsIn: final notices, bg_kill answers and check_bg lines; not ready or progress notices', () => {
    const ends = endsIn(
      [
        notice('a', 'completed'),
        notice('srv', 'running', 'ready'),
        'killed: srv: killed in 2.0 s, 28 output bytes: x',
        'b: failed (exit 1) in 1.0 s',
      ].join('\n'),
    );
    expect([...ends]).toEqual([
      ['a', 'completed'],
      ['srv', 'killed'],
      ['b', 'failed'],
    ]);
  });

  test('a run where every job started and each end came once, ending with the answer, passes', () => {
    const t = parseTranscript(
      [
        call('mcp__bgtasks__bg_bash', { id: 'server' }),
        result(notice('server', 'running', 'ready')),
        call('mcp__bgtasks__bg_bash', { id: 'e2e' }),
        result(notice('e2e', 'completed')),
        call('mcp__bgtasks__bg_kill', { id: 'server' }),
        result('killed: server: killed in 2.0 s, 28 output bytes: x'),
        ...answer(done),
      ].join('\n'),
    );
    expect(checkRun(t, DEV)).toEqual([]);
  });

  test('an end told twice, a job never started, and a run that ended without the answer are each reported', () => {
    const t = parseTranscript(
      [
        call('mcp__bgtasks__bg_bash', { id: 'e2e' }),
        result(notice('e2e', 'completed')),
        result(`e2e: completed (exit 0) in 0.1 s`),
        line({ type: 'result', subtype: 'error_max_turns', is_error: true, result: '' }),
      ].join('\n'),
    );
    const problems = checkRun(t, DEV);
    expect(problems).toContain('job server was never started');
    expect(problems).toContain('the end of job e2e reached the model 2 times (completed, completed)');
    expect(problems.some((p) => p.startsWith('the run ended error_max_turns'))).toBe(true);
  });
});
