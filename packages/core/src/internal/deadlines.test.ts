import { VirtualClock } from '@bgtasks/runtime/testing';
import { describe, expect, it } from 'vitest';
import { Deadlines } from './deadlines.ts';

/** Deadlines on a clock that moves only when told; `onDue` runs after each item is recorded. */
function setup(onDue: (item: string, deadlines: Deadlines<string>, clock: VirtualClock) => void = () => {}) {
  const clock = new VirtualClock({ autoAdvance: false });
  const due: Array<[string, number]> = [];
  const deadlines: Deadlines<string> = new Deadlines<string>(clock, (item) => {
    due.push([item, clock.now()]);
    onDue(item, deadlines, clock);
  });
  return { clock, due, deadlines };
}

describe('Deadlines', () => {
  it('calls back each item at its own time, in deadline order whatever the order of adding', async () => {
    const { clock, due, deadlines } = setup();
    deadlines.add(300, 'c');
    deadlines.add(100, 'a');
    deadlines.add(200, 'b');
    deadlines.add(100, 'a2');
    await clock.advance(1000);
    expect(due).toEqual([
      ['a', 100],
      ['a2', 100],
      ['b', 200],
      ['c', 300],
    ]);
    expect(deadlines.size).toBe(0);
  });

  it('never calls back a removed item, wherever it sat in the heap', async () => {
    const { clock, due, deadlines } = setup();
    const handles = Array.from({ length: 50 }, (_, i) => deadlines.add(((i * 37) % 50) * 10 + 10, `j${i}`));
    const removed = new Set<string>();
    for (const h of handles) {
      if (Number(h.item.slice(1)) % 3 === 0) {
        deadlines.remove(h);
        removed.add(h.item);
      }
    }
    deadlines.remove(handles[0] as (typeof handles)[number]);
    await clock.advance(10_000);
    expect(due.map(([item]) => item).filter((item) => removed.has(item))).toEqual([]);
    expect(due).toHaveLength(50 - removed.size);
    const times = due.map(([, at]) => at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const [item, at] of due) expect(at).toBe(((Number(item.slice(1)) * 37) % 50) * 10 + 10);
  });

  it('keeps one timer for many deadlines, and none once the last is removed', () => {
    const { clock, deadlines } = setup();
    const handles = Array.from({ length: 100 }, (_, i) => deadlines.add(1000 + i, `j${i}`));
    expect(clock.pendingTimers).toBe(1);
    for (const h of handles) deadlines.remove(h);
    expect(clock.pendingTimers).toBe(0);
  });

  it('re-arms for an earlier deadline added later, and after an early wake-up for a removed one', async () => {
    const { clock, due, deadlines } = setup();
    const first = deadlines.add(500, 'late');
    deadlines.add(50, 'early');
    await clock.advance(100);
    expect(due).toEqual([['early', 50]]);
    deadlines.add(900, 'last');
    deadlines.remove(first);
    await clock.advance(1000);
    expect(due).toEqual([
      ['early', 50],
      ['last', 900],
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('takes deadlines added by a callback, including one already due', async () => {
    const { clock, due, deadlines } = setup((item, d, c) => {
      if (item === 'a') {
        d.add(c.now(), 'now');
        d.add(c.now() + 10, 'then');
      }
    });
    deadlines.add(100, 'a');
    await clock.advance(500);
    expect(due).toEqual([
      ['a', 100],
      ['now', 100],
      ['then', 110],
    ]);
  });
});
