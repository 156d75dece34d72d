/**
 * Which tools the model can call, read from the request as a real model reads it: a client may
 * namespace the bgtasks tools (`mcp__<server>__bg_bash`, as Claude Code names MCP tools), so each
 * is found by its own name at the end and called by the full name it was offered under; and it
 * may offer them deferred (`defer_loading: true`, or only by name in a message) behind a tool
 * search, so they are callable only once a `tool_reference` to them appears in the conversation.
 */
import { blocksOf, type MessagesRequest, type RequestTool } from './request.ts';

/** The tools the simulated model knows how to use, by their own names. */
export const KNOWN_TOOLS = ['bash', 'bg_bash', 'check_bg', 'bg_wait', 'bg_output', 'bg_kill', 'bg_write'] as const;
const KNOWN = new Set<string>(KNOWN_TOOLS);

/** A tool search the request offers: Claude Code's client-side `ToolSearch`, or the API's server tool. */
export type ToolSearch = { kind: 'client'; name: string } | { kind: 'server'; name: string; variant: 'regex' | 'bm25' };

/** The known tools of a request, each under the full name it was offered under. */
export interface ToolView {
  /** Own name -> full name, for tools the model can call now. */
  readonly callable: ReadonlyMap<string, string>;
  /** Own name -> full name, for tools known only by name until a tool search loads them. */
  readonly deferred: ReadonlyMap<string, string>;
  readonly search: ToolSearch | undefined;
}

/**
 * The own name of an offered tool: `bg_bash` for `bg_bash` and for `mcp__<server>__bg_bash`
 * (any prefix ending in `__`), undefined for a tool the model does not know.
 */
export function ownToolName(name: string): string | undefined {
  if (KNOWN.has(name)) return name;
  const at = name.lastIndexOf('__');
  const own = at > 0 ? name.slice(at + 2) : undefined;
  return own !== undefined && KNOWN.has(own) ? own : undefined;
}

/** A tool with a name (toolsets such as `mcp_toolset` have none, and hold nothing the model calls). */
type NamedTool = RequestTool & { name: string };

const NAMED_TOOL = /\b[A-Za-z0-9_-]*__([a-z_]+)\b/g;

function searchOf(tools: readonly NamedTool[], loaded: (t: NamedTool) => boolean): ToolSearch | undefined {
  for (const tool of tools) {
    const type = tool.type ?? '';
    if (type.startsWith('tool_search_tool_regex')) return { kind: 'server', name: tool.name, variant: 'regex' };
    if (type.startsWith('tool_search_tool_bm25')) return { kind: 'server', name: tool.name, variant: 'bm25' };
  }
  // A client-side search tool: Claude Code's `ToolSearch` takes a `query`.
  const client = tools.find(
    (t) =>
      loaded(t) &&
      /^tool_?search$/i.test(t.name) &&
      typeof (t.input_schema as { properties?: Record<string, unknown> } | undefined)?.properties?.query === 'object',
  );
  return client ? { kind: 'client', name: client.name } : undefined;
}

/** Reads the tools of `request`; `tool_choice: none` leaves nothing callable. */
export function readToolView(request: MessagesRequest): ToolView {
  const tools = (request.tools ?? []).filter((t): t is NamedTool => t.name !== undefined);
  const referenced = new Set<string>();
  const removed = new Set<string>();
  const mentioned = new Set<string>();
  const mention = (text: string): void => {
    for (const m of text.matchAll(NAMED_TOOL)) if (ownToolName(m[0]) !== undefined) mentioned.add(m[0]);
  };
  for (const block of typeof request.system === 'string' ? [{ text: request.system }] : (request.system ?? []))
    mention(block.text);
  for (const message of request.messages) {
    for (const block of blocksOf(message)) {
      if (block.type === 'text' && message.role !== 'assistant') mention(block.text);
      else if (block.type === 'tool_result' && Array.isArray(block.content)) {
        for (const c of block.content) if (c.type === 'tool_reference') referenced.add(c.tool_name);
      } else if (block.type === 'tool_search_tool_result' && block.content.type === 'tool_search_tool_search_result') {
        for (const r of block.content.tool_references) referenced.add(r.tool_name);
      } else if (block.type === 'tool_addition' || block.type === 'tool_removal') {
        const name = block.tool.name;
        if (name === undefined) continue;
        if (block.type === 'tool_addition') {
          referenced.add(name);
          removed.delete(name);
        } else removed.add(name);
      }
    }
  }
  const loaded = (t: NamedTool): boolean => !removed.has(t.name) && (t.defer_loading !== true || referenced.has(t.name));
  const callable = new Map<string, string>();
  const deferred = new Map<string, string>();
  if (request.tool_choice?.type !== 'none') {
    for (const tool of tools) {
      const own = ownToolName(tool.name);
      if (own === undefined || removed.has(tool.name)) continue;
      if (loaded(tool)) callable.set(own, tool.name);
      else if (!deferred.has(own)) deferred.set(own, tool.name);
    }
    for (const name of mentioned) {
      const own = ownToolName(name);
      if (own !== undefined && !callable.has(own) && !deferred.has(own)) deferred.set(own, name);
    }
  }
  const search = request.tool_choice?.type === 'none' ? undefined : searchOf(tools, loaded);
  return { callable, deferred: search ? deferred : new Map(), search };
}

/** Own names of the tools the model can use, now or after a search. */
export function usableTools(view: ToolView): Set<string> {
  return new Set([...view.callable.keys(), ...view.deferred.keys()]);
}
