// Idle notices and watches: in virtual time where time is the subject (one idle notice per
// quiet spell; a watch still fires an hour in), and with a real process for the flood (10,000
// matching lines in about a second become a handful of notices whose counts add up to 10,000).
import { createRuntime } from '@bgtasks/runtime';
import { createVirtualRuntime } from '@bgtasks/runtime/testing';
import { describe, expect, test } from 'vitest';
import { InvalidJobSpecError } from './errors.ts';
import { BackgroundExecutor } from './executor.ts';
import type { Notice } from './job.ts';
import { formatNotice, parseNotices } from './notice.ts';

/** Every notice of `kind` published so far. */
function ofKind(executor: BackgroundExecutor, kind: string): Notice[] {
  return executor.bus.history().filter((n) => (n.kind ?? 'final') === kind);
}

describe('idle notices', () => {
  test('a silent job gets one idle notice per quiet spell: again only after it wrote and went quiet again', async () => {
    // Prints at 0 and at 10 minutes, runs an hour.
    const runtime = createVirtualRuntime({
      script: () => ({ durationMs: 60 * 60_000, stdout: 'compiling...\n', outputAtMs: 10 * 60_000 }),
    });
    const executor = new BackgroundExecutor(runtime, { defaultTimeoutMs: Number.POSITIVE_INFINITY });
    const job = executor.submit({ command: 'build', idleNoticeMs: 60_000 });
    await executor.wait([job.id]);
    const idle = ofKind(executor, 'idle');
    // Quiet from the start (1 min), then quiet after its one line at 10 min (11 min): two.
    expect(idle.map((n) => [n.state, n.idleMs, n.endedAt])).toEqual([
      ['running', 60_000, 60_000],
      ['running', 60_000, 11 * 60_000],
    ]);
    expect(idle[1]?.tail).toBe('compiling...');
    expect(idle[1]?.durationMs).toBe(11 * 60_000);
    const wire = formatNotice(idle[1] as Notice);
    expect(wire).toContain('kind="idle" state="running" idle_ms="60000" running_ms="660000"');
    expect(parseNotices(wire)[0]?.kind).toBe('idle');
    // The final notice still comes, once.
    expect(ofKind(executor, 'final')).toHaveLength(1);
    await executor.close();
  });

  test('the executor-wide idleNoticeMs applies to jobs whose spec names none', async () => {
    const runtime = createVirtualRuntime({ script: () => ({ durationMs: 5 * 60_000 }) });
    const executor = new BackgroundExecutor(runtime, { idleNoticeMs: 120_000 });
    await executor.wait([executor.submit({ command: 'hang' }).id]);
    expect(ofKind(executor, 'idle').map((n) => n.endedAt)).toEqual([120_000]);
    await executor.close();
  });
});

describe('watches', () => {
  test('a watch still fires an hour after the job started, with no re-arming', async () => {
    const runtime = createVirtualRuntime({
      script: () => ({ durationMs: 2 * 60 * 60_000, stdout: 'ok\nFAIL test_login\nok\n', outputAtMs: 60 * 60_000 }),
    });
    const executor = new BackgroundExecutor(runtime, { defaultTimeoutMs: Number.POSITIVE_INFINITY });
    const job = executor.submit({ command: 'pytest --watch', watch: { pattern: '^FAIL' } });
    await executor.wait([job.id]);
    const watch = ofKind(executor, 'watch');
    expect(watch.map((n) => [n.count, n.match, n.endedAt])).toEqual([[1, 'FAIL test_login', 60 * 60_000]]);
    expect(formatNotice(watch[0] as Notice)).toContain('kind="watch" state="running" match="FAIL test_login" count="1"');
    await executor.close();
  });

  test('a bad watch pattern is refused at submit, naming the field', async () => {
    const executor = new BackgroundExecutor(createVirtualRuntime());
    expect(() => executor.submit({ command: 'x', watch: { pattern: '(a)\\1' } })).toThrow(InvalidJobSpecError);
    expect(() => executor.submit({ command: 'x', watch: { pattern: '(a)\\1' } })).toThrow(/watch\.pattern: backreferences/);
    expect(() => executor.submit({ command: 'x', watch: { pattern: '(' } })).toThrow(
      /watch\.pattern: not a valid regular expression/,
    );
    expect(() => executor.submit({ command: 'x', watch: { pattern: 'x', intervalMs: 5 } })).toThrow(/at least 100 ms/);
    await executor.close();
  });

  test('10,000 matching lines in about a second become a handful of notices whose counts add up', async () => {
    const runtime = createRuntime();
    const executor = new BackgroundExecutor(runtime);
    // Ten bursts of 1,000 lines, 0.1 s apart; every line matches.
    const command =
      'b=0; while [ $b -lt 10 ]; do i=0; while [ $i -lt 1000 ]; do echo "ERROR $b.$i"; i=$((i+1)); done; b=$((b+1)); sleep 0.1; done';
    const started = performance.now();
    const job = executor.submit({ command, watch: { pattern: 'ERROR' } });
    const [ended] = (await executor.wait([job.id])).ended;
    const elapsedMs = performance.now() - started;
    expect(ended?.state).toBe('completed');
    const watch = ofKind(executor, 'watch');
    expect(watch.reduce((n, w) => n + (w.count ?? 0), 0)).toBe(10_000);
    // At most one per second (the default interval), plus the first at once: never one per line.
    expect(watch.length).toBeGreaterThanOrEqual(1);
    expect(watch.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 1_000) + 1);
    for (const w of watch) {
      expect(w.tail.split('\n').length).toBeLessThanOrEqual(5);
      expect(w.match).toMatch(/^ERROR \d\.\d+$/);
    }
    expect(watch.at(-1)?.match).toBe('ERROR 9.999');
    // The watch notices come before the final one.
    const kinds = executor.bus.history().map((n) => n.kind ?? 'final');
    expect(kinds.at(-1)).toBe('final');
    await executor.close();
  }, 60_000);
});
