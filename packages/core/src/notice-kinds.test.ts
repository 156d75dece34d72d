// Notice kinds on the bus and on the wire: progress supersedes progress (never a final), final
// notices keep their old bytes, running notices carry kind and what they report.
import { describe, expect, test } from 'vitest';
import { isFinalNotice, type Notice, type NoticeKind } from './job.ts';
import { formatNotice, formatNotices, MIXED_NOTICE_HEADER, NOTICE_HEADER, parseNotices } from './notice.ts';
import { NotificationBus } from './notification-bus.ts';

function notice(jobId: string, kind?: NoticeKind, tail = ''): Omit<Notice, 'seq'> {
  return {
    jobId,
    ...(kind ? { kind } : {}),
    state: kind && kind !== 'final' ? 'running' : 'completed',
    exitCode: kind && kind !== 'final' ? null : 0,
    signal: null,
    durationMs: 1,
    outputBytes: tail.length,
    tail,
    truncated: false,
    endedAt: 0,
    command: 'true',
  };
}

const shape = (ns: readonly Notice[]) => ns.map((n) => `${n.jobId}:${n.kind ?? 'final'}:${n.tail}`);

describe('progress supersedes progress', () => {
  test('a newer progress notice replaces an undelivered one of the same job, in every consumer', () => {
    const bus = new NotificationBus();
    const a = bus.consumer('a');
    const b = bus.consumer('b');
    bus.publish(notice('j', 'progress', 'one'));
    bus.publish(notice('k', 'progress', 'other job'));
    bus.publish(notice('j', 'ready', 'listening'));
    bus.publish(notice('j', 'progress', 'two'));
    expect(shape(a.pending())).toEqual(['k:progress:other job', 'j:ready:listening', 'j:progress:two']);
    expect(shape(b.pending())).toEqual(shape(a.pending()));
    expect(shape(bus.history())).toEqual(shape(a.pending()));
  });

  test('a final notice is never replaced, and the final arrives after the progress before it', () => {
    const bus = new NotificationBus();
    const c = bus.consumer('c');
    bus.publish(notice('j', 'progress', 'one'));
    bus.publish(notice('j'));
    expect(shape(c.pending())).toEqual(['j:progress:one', 'j:final:']);
    // Even a (never published by the executor) progress after the end leaves the final alone.
    bus.publish(notice('j', 'progress', 'late'));
    expect(shape(c.pending())).toEqual(['j:final:', 'j:progress:late']);
  });

  test('a delivered progress notice is not taken back; a released one yields to a newer one', () => {
    const bus = new NotificationBus();
    const c = bus.consumer('c');
    bus.publish(notice('j', 'progress', 'one'));
    const first = c.lease();
    bus.publish(notice('j', 'progress', 'two'));
    c.release(first);
    expect(shape(c.pending())).toEqual(['j:progress:two']);
    const second = c.lease();
    c.ack(second);
    bus.publish(notice('j', 'progress', 'three'));
    expect(shape(c.pending())).toEqual(['j:progress:three']);
  });

  test('isFinalNotice: no kind or final, and never a running state', () => {
    expect(isFinalNotice({ state: 'completed' })).toBe(true);
    expect(isFinalNotice({ kind: 'final', state: 'failed' })).toBe(true);
    expect(isFinalNotice({ kind: 'ready', state: 'running' })).toBe(false);
    expect(isFinalNotice({ kind: 'final', state: 'running' })).toBe(false);
  });
});

describe('wire format of notice kinds', () => {
  test('a final notice has no kind attribute: the same bytes as before kinds existed', () => {
    const n = { ...notice('build'), seq: 1, tail: 'ok' };
    expect(formatNotice(n)).toBe(
      '<bg_notice id="build" state="completed" exit_code="0" duration_ms="1" output_bytes="0" truncated="false">\nok\n</bg_notice>',
    );
    expect(formatNotices([n]).startsWith(`${NOTICE_HEADER}\n`)).toBe(true);
    expect(formatNotice({ ...n, kind: 'final' })).toBe(formatNotice(n));
  });

  test('running notices carry kind, state, what they report, and parse back', () => {
    const ready: Notice = {
      ...notice('dev', 'ready', 'up at <bg_notice id="x">'),
      seq: 2,
      ready: 'pattern',
      match: 'up at "<bg_notice>"',
    };
    const progress: Notice = { ...notice('dev', 'progress', 'line 1\nline 2'), seq: 3, fromByte: 10, toByte: 24 };
    const text = formatNotices([ready, progress]);
    expect(text.startsWith(`${MIXED_NOTICE_HEADER}\n`)).toBe(true);
    expect(text).toContain(
      '<bg_notice id="dev" kind="ready" state="running" ready="pattern" match="up at &quot;&lt;bg_notice_text&gt;&quot;" output_bytes="24">\nup at <bg_notice_text id="x">\n</bg_notice>',
    );
    expect(text).toContain('<bg_notice id="dev" kind="progress" state="running" from_byte="10" to_byte="24" output_bytes="13">');
    expect(parseNotices(text)).toMatchObject([
      { jobId: 'dev', kind: 'ready', state: 'running' },
      { jobId: 'dev', kind: 'progress', tail: 'line 1\nline 2' },
    ]);
    expect(parseNotices(formatNotices([{ ...notice('b'), seq: 4 }]))[0]?.kind).toBe('final');
  });
});
