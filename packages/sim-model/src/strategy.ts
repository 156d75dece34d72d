/** Which strategy the agent runs, read from the tools it offers (the model sees nothing else). */

/** `block`: only `bash`; `poll`: has `check_bg`; `inject`: `bg_bash` without `check_bg`; `none`: no job tools. */
export type SimStrategy = 'block' | 'poll' | 'inject' | 'none';

/** The strategy implied by the tool names of a request. */
export function detectStrategy(toolNames: readonly string[]): SimStrategy {
  const names = new Set(toolNames);
  if (names.has('check_bg')) return 'poll';
  if (names.has('bg_bash')) return 'inject';
  if (names.has('bash')) return 'block';
  return 'none';
}
