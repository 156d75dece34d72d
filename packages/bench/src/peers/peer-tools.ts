/** A peer's tool set cut from one of ours: the same tools under the peer's rules, nothing else. */
import type { Strategy } from '@bgtasks/agent';

/** The tool set type every strategy offers. */
export type ToolSet = ReturnType<Strategy['tools']>;
/** A tool call's outcome. */
export type ToolOutcome = Awaited<ReturnType<ToolSet['handle']>>;
/** Replaces how one tool runs: gets the input and the original handler. */
export type ToolOverride = (input: unknown, signal: AbortSignal, original: ToolSet['handle']) => Promise<ToolOutcome>;

/**
 * The tools of `set` named in `names` (in that order), with `overrides` run in place of some.
 * A name the set lacks throws: a peer offers exactly what its source says.
 */
export function pickTools(set: ToolSet, names: readonly string[], overrides: Record<string, ToolOverride> = {}): ToolSet {
  const tools = names.map((name) => {
    const tool = set.tools.find((t) => t.name === name);
    if (!tool) throw new TypeError(`tool set has no "${name}" (it has ${set.names.join(', ')})`);
    return tool;
  });
  const original = set.handle.bind(set);
  return {
    tools,
    definitions: tools.map((t) => t.definition),
    names: [...names],
    handle(name, input, signal) {
      if (!names.includes(name)) return original(`unknown:${name}`, input, signal);
      const override = overrides[name];
      return override ? override(input, signal, original) : original(name, input, signal);
    },
  };
}
