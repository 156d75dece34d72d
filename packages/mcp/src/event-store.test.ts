import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, test } from 'vitest';
import { BoundedEventStore } from './event-store.ts';

const message = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: {} });

async function replay(store: BoundedEventStore, lastEventId: string): Promise<{ stream: string; ids: string[] }> {
  const ids: string[] = [];
  const stream = await store.replayEventsAfter(lastEventId, {
    send: async (eventId) => {
      ids.push(eventId);
    },
  });
  return { stream, ids };
}

describe('BoundedEventStore', () => {
  test('replays the events of the same stream after the last one the client saw', async () => {
    const store = new BoundedEventStore();
    const a1 = await store.storeEvent('a', message(1));
    await store.storeEvent('b', message(2));
    const a3 = await store.storeEvent('a', message(3));
    expect(await replay(store, a1)).toEqual({ stream: 'a', ids: [a3] });
    expect(await replay(store, a3)).toEqual({ stream: 'a', ids: [] });
  });

  test('keeps only the newest events within its byte budget', async () => {
    const store = new BoundedEventStore(200);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await store.storeEvent('s', message(i)));
    const { ids: replayed } = await replay(store, 's|0');
    expect(replayed.length).toBeGreaterThan(0);
    expect(replayed.length).toBeLessThan(19);
    expect(replayed.at(-1)).toBe(ids.at(-1));
  });

  test('a forged event id names no stream', async () => {
    const store = new BoundedEventStore();
    for (const forged of ['', '|', 'abc', 'abc|x', '|12']) expect(await store.getStreamIdForEventId(forged)).toBeUndefined();
  });
});
