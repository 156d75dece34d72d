// bg_bash watch and idle_s, as a model calls them, with real processes: a watch reports matching
// lines with a count for as long as the job runs; a silent job gets an idle notice; a hostile
// pattern is an error naming the field.
import { BackgroundExecutor, formatNotices, parseNotices } from '@bgtasks/core';
import { createRuntime } from '@bgtasks/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { pollingTools } from './index.ts';

const executors: BackgroundExecutor[] = [];
function setup() {
  const executor = new BackgroundExecutor(createRuntime(), { killGraceMs: 200 });
  executors.push(executor);
  return { executor, tools: pollingTools(executor), signal: new AbortController().signal };
}
afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.close()));
});

describe('bg_bash watch and idle_s', () => {
  it('watch sends a notice with the count of matching lines; the final notice still comes once, last', async () => {
    const { executor, tools, signal } = setup();
    const started = await tools.handle(
      'bg_bash',
      { id: 'tests', command: 'echo ok; echo "FAIL a"; echo ok; echo "FAIL b"', watch: '^FAIL' },
      signal,
    );
    expect(started).toMatchObject({ isError: false, startedJobs: ['tests'] });
    await executor.wait(['tests']);
    const notices = executor.bus.consumer('model').pending();
    expect(notices.map((n) => n.kind ?? 'final')).toEqual(['watch', 'final']);
    const [watch] = parseNotices(formatNotices(notices));
    expect(watch).toMatchObject({ jobId: 'tests', kind: 'watch', state: 'running', tail: 'FAIL a\nFAIL b' });
    expect(notices[0]?.count).toBe(2);
  });

  it('idle_s sends one idle notice while the job is silent', async () => {
    const { executor, tools, signal } = setup();
    await tools.handle('bg_bash', { id: 'hang', command: 'echo waiting; sleep 30', idle_s: 0.2 }, signal);
    const notice = await executor.bus.consumer('model').next(AbortSignal.timeout(10_000));
    expect(notice).toMatchObject({ jobId: 'hang', kind: 'idle', state: 'running', tail: 'waiting' });
    expect(notice.idleMs).toBeGreaterThanOrEqual(200);
  });

  it('a hostile or broken watch pattern is an error that names the field', async () => {
    const { tools, signal } = setup();
    // Patterns are matched in linear time (RE2): what needs backtracking is refused.
    const hostile = await tools.handle('bg_bash', { command: 'true', watch: '(a)\\1' }, signal);
    expect(hostile.isError).toBe(true);
    expect(hostile.text).toMatch(/watch\.pattern: backreferences/);
    expect((await tools.handle('bg_bash', { command: 'true', watch: '(' }, signal)).text).toMatch(/watch\.pattern: not a valid/);
  });
});
