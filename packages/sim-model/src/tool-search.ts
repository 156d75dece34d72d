/**
 * Turns a planned turn, written in the tools' own names, into what the model sends: each call
 * under the full name its tool was offered under, and, when the tools it needs are still
 * deferred, a tool search first. With Claude Code's client-side `ToolSearch` the search is a
 * turn of its own (the client answers with `tool_reference` blocks and the tools load); with
 * the API's server tool search the search and its result open the same response, as the API
 * runs it, and the planned calls follow.
 */
import { makeId } from './internal/hash.ts';
import type { SimContentBlock } from './message.ts';
import type { PlannedTurn } from './policy.ts';
import type { ToolView } from './tool-view.ts';

/** A turn ready to send, and the blocks to put before its own. */
export interface ResolvedTurn {
  turn: PlannedTurn;
  lead: SimContentBlock[];
}

function named(turn: PlannedTurn, names: ReadonlyMap<string, string>): PlannedTurn {
  return { ...turn, calls: turn.calls.map((c) => ({ ...c, name: names.get(c.name) ?? c.name })) };
}

/** Resolves `turn` against the tools of the request; `key` and `seed` give the search's id. */
export function resolveTurn(turn: PlannedTurn, view: ToolView, ids: { key: string; seed: number }): ResolvedTurn {
  const needsSearch = turn.calls.some((c) => !view.callable.has(c.name) && view.deferred.has(c.name));
  if (!needsSearch || !view.search) return { turn: named(turn, view.callable), lead: [] };
  const wanted = [...view.deferred.values()];
  if (view.search.kind === 'client') {
    return {
      turn: {
        texts: [`Loading the background-job tools first (${wanted.join(', ')}).`],
        calls: [{ name: view.search.name, input: { query: `select:${wanted.join(',')}` } }],
        stopReason: 'tool_use',
        kind: 'productive',
      },
      lead: [],
    };
  }
  const id = makeId('srvtoolu', `${ids.key}#search`, ids.seed);
  const own = [...view.deferred.keys()];
  const query = view.search.variant === 'regex' ? own.join('|') : `background shell jobs ${own.join(' ')}`;
  const lead: SimContentBlock[] = [
    { type: 'server_tool_use', id, name: view.search.name, input: { query } },
    {
      type: 'tool_search_tool_result',
      tool_use_id: id,
      content: {
        type: 'tool_search_tool_search_result',
        tool_references: wanted.map((tool_name) => ({ type: 'tool_reference', tool_name })),
      },
    },
  ];
  return { turn: named(turn, new Map([...view.deferred, ...view.callable])), lead };
}
