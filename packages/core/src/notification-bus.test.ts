import { describe, expect, test } from 'vitest';
import { AbortedError, LeaseError } from './errors.ts';
import type { Notice } from './job.ts';
import { NotificationBus } from './notification-bus.ts';

function notice(jobId: string): Omit<Notice, 'seq'> {
  return {
    jobId,
    state: 'completed',
    exitCode: 0,
    signal: null,
    durationMs: 1,
    outputBytes: 0,
    tail: '',
    truncated: false,
    endedAt: 0,
    command: 'true',
  };
}

const ids = (ns: readonly Notice[]) => ns.map((n) => n.jobId);

describe('NotificationBus', () => {
  test('every consumer receives every notice once, in publication order', () => {
    const bus = new NotificationBus();
    const a = bus.consumer('a');
    const b = bus.consumer('b');
    for (const id of ['j1', 'j2', 'j3']) bus.publish(notice(id));
    const la = a.lease();
    a.ack(la);
    expect(ids(la.notices)).toEqual(['j1', 'j2', 'j3']);
    expect(ids(a.lease().notices)).toEqual([]);
    expect(ids(b.pending())).toEqual(['j1', 'j2', 'j3']);
  });

  test('a released lease is delivered again, ahead of newer notices', () => {
    const bus = new NotificationBus();
    const c = bus.consumer('model');
    bus.publish(notice('j1'));
    bus.publish(notice('j2'));
    const failed = c.lease();
    bus.publish(notice('j3'));
    c.release(failed);
    const retry = c.lease();
    expect(ids(retry.notices)).toEqual(['j1', 'j2', 'j3']);
    c.ack(retry);
    expect(c.pending()).toEqual([]);
  });

  test('settling a lease twice throws a LeaseError', () => {
    const bus = new NotificationBus();
    const c = bus.consumer('x');
    bus.publish(notice('j1'));
    const lease = c.lease();
    c.ack(lease);
    expect(() => c.ack(lease)).toThrow(LeaseError);
    expect(() => c.release(lease)).toThrow(/already acked or released/);
  });

  test('next() waits for the next notice and marks it delivered', async () => {
    const bus = new NotificationBus();
    const c = bus.consumer('x');
    const pending = c.next();
    bus.publish(notice('late'));
    expect((await pending).jobId).toBe('late');
    expect(c.pending()).toEqual([]);
  });

  test('next() rejects with AbortedError when its signal aborts', async () => {
    const bus = new NotificationBus();
    const controller = new AbortController();
    const pending = bus.consumer('x').next(controller.signal);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  test('a consumer created with from "now" skips the backlog', () => {
    const bus = new NotificationBus();
    bus.publish(notice('old'));
    const c = bus.consumer('late', { from: 'now' });
    bus.publish(notice('new'));
    expect(ids(c.pending())).toEqual(['new']);
    expect(bus.consumer('late')).toBe(c);
  });

  test('seq numbers follow publication order', () => {
    const bus = new NotificationBus();
    expect([bus.publish(notice('a')).seq, bus.publish(notice('b')).seq]).toEqual([1, 2]);
  });

  test('after close nothing more is delivered and waiters are rejected', async () => {
    const bus = new NotificationBus();
    const c = bus.consumer('x');
    const waiting = c.ready();
    bus.close();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    bus.publish(notice('after'));
    expect(c.pending()).toEqual([]);
  });

  test('forgetting a job drops its notices wherever they sit in the history, and only its own', () => {
    const bus = new NotificationBus({ maxHistory: 4 });
    const progress = (jobId: string): Omit<Notice, 'seq'> => ({ ...notice(jobId), kind: 'progress', state: 'running' });
    bus.publish(progress('long'));
    bus.publish(notice('a'));
    bus.publish(progress('long')); // supersedes the first progress notice of "long"
    bus.publish(notice('b'));
    expect(ids(bus.history())).toEqual(['a', 'long', 'b']);
    bus.forget('long'); // in the middle
    expect(ids(bus.history())).toEqual(['a', 'b']);
    bus.forget('a'); // at the front
    bus.forget('a'); // twice: nothing left to drop
    bus.forget('never-published');
    expect(ids(bus.history())).toEqual(['b']);
    for (const id of ['c', 'd', 'e', 'f']) bus.publish(notice(id));
    // maxHistory 4 pushed "b" out; forgetting it later drops nothing else.
    expect(ids(bus.history())).toEqual(['c', 'd', 'e', 'f']);
    bus.forget('b');
    bus.forget('e');
    expect(ids(bus.history())).toEqual(['c', 'd', 'f']);
    // A consumer created now gets exactly what the history holds.
    expect(ids(bus.consumer('late').pending())).toEqual(['c', 'd', 'f']);
  });
});
