/**
 * The loops `--loop` picks from. Another loop is one file exporting an {@link AgentLoop} and one
 * line here; `--loop`, its validation and the help list follow from {@link LOOPS}. Each loop is
 * loaded only when it runs, so `--help` and flag errors stay quick.
 */
import type { AgentLoop } from './loop.ts';

export const LOOPS = {
  own: async () => (await import('./own.ts')).runOwnLoop,
  'tool-runner': async () => (await import('./tool-runner.ts')).runToolRunnerLoop,
  'ai-sdk': async () => (await import('./ai-sdk.ts')).runAiSdkLoop,
} as const satisfies Record<string, () => Promise<AgentLoop>>;

/** A value of `--loop`. */
export type LoopName = keyof typeof LOOPS;

/** Every `--loop` value, default first. */
export const LOOP_NAMES = Object.keys(LOOPS) as [LoopName, ...LoopName[]];

export type { AgentLoop, LoopInput, ModelEndpoint } from './loop.ts';
