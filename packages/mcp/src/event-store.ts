/**
 * A bounded in-memory event store for one HTTP session, so a client whose SSE stream breaks can
 * resume it with `Last-Event-ID` (the transport then also sends the priming event and `retry`
 * field the spec recommends). Only the newest events are kept, up to a byte budget: a client
 * that stays away longer misses the oldest, and answers it missed can be had again with
 * `tasks/result` or `check_bg`.
 */
import type { EventStore, StreamId } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Bytes of events one session keeps for replay. */
export const EVENT_STORE_BYTES = 4 * 1024 * 1024;

interface Stored {
  seq: number;
  streamId: StreamId;
  message: JSONRPCMessage;
  bytes: number;
}

/** Event ids are `<streamId>|<seq>`; sequence numbers grow across the session's streams. */
export class BoundedEventStore implements EventStore {
  readonly #events: Stored[] = [];
  readonly #maxBytes: number;
  #bytes = 0;
  #seq = 0;

  constructor(maxBytes = EVENT_STORE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<string> {
    const seq = ++this.#seq;
    const bytes = JSON.stringify(message).length + streamId.length;
    this.#events.push({ seq, streamId, message, bytes });
    this.#bytes += bytes;
    while (this.#bytes > this.#maxBytes && this.#events.length > 1) this.#bytes -= this.#events.shift()?.bytes ?? 0;
    return `${streamId}|${seq}`;
  }

  async getStreamIdForEventId(eventId: string): Promise<StreamId | undefined> {
    const at = eventId.lastIndexOf('|');
    if (at <= 0 || !/^\d+$/.test(eventId.slice(at + 1))) return undefined;
    return eventId.slice(0, at);
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const streamId = (await this.getStreamIdForEventId(lastEventId)) ?? '';
    const after = Number(lastEventId.slice(lastEventId.lastIndexOf('|') + 1));
    for (const e of this.#events) {
      if (e.streamId === streamId && e.seq > after) await send(`${e.streamId}|${e.seq}`, e.message);
    }
    return streamId;
  }
}
