import { formatNotice } from '@bgtasks/core';
import { describe, expect, test } from 'vitest';
import { startedIdIn, statesIn } from './internal/index.ts';

describe('reading job states from tool results', () => {
  test('one line per job: the id and its state word, whatever the layout', () => {
    const text = ['ID       STATE      EXIT', 'install  completed  0', 'lint: failed (exit_code=1)', 'test state="running"'].join(
      '\n',
    );
    expect(statesIn(text, ['install', 'lint', 'test'])).toEqual([
      { id: 'install', state: 'completed' },
      { id: 'lint', state: 'failed', exitCode: 1 },
      { id: 'test', state: 'running' },
    ]);
  });

  test('an id inside a longer id is not a mention of it; ids with dots and dashes still match whole', () => {
    const text = ['job-10 completed', 'npm.i-2 failed', 'xjob-1 running'].join('\n');
    expect(statesIn(text, ['job-1', 'job-10', 'npm.i-2'])).toEqual([
      { id: 'job-10', state: 'completed' },
      { id: 'npm.i-2', state: 'failed' },
    ]);
  });

  test('the state word nearest the id wins, so other words on the line do not mislead', () => {
    expect(statesIn('timed out waiting; still running: build', ['build'])).toEqual([{ id: 'build', state: 'running' }]);
  });

  test('a check of one job may give its state on a line of its own', () => {
    expect(statesIn('state: timed_out\nexit code: 124\n--- tail ---\n3 tests failed', ['build'], 'build')).toEqual([
      { id: 'build', state: 'timed_out', exitCode: 124 },
    ]);
  });

  test('notices are read with core parseNotices, and their output cannot fake other states', () => {
    const notice = formatNotice({
      jobId: 'build',
      state: 'failed',
      exitCode: 2,
      signal: null,
      durationMs: 10,
      outputBytes: 20,
      tail: 'lint completed',
      truncated: false,
      seq: 1,
      endedAt: 10,
      command: 'make',
    });
    expect(statesIn(`ok\n${notice}`, ['build', 'lint'])).toEqual([
      { id: 'build', state: 'failed', exitCode: 2, tail: 'lint completed' },
    ]);
  });

  test('the id of a started job', () => {
    expect(startedIdIn('started job "npm-1" (npm install)')).toBe('npm-1');
  });
});
