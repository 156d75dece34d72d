/**
 * Gemini CLI's shell tool, reproduced: `run_shell_command` with `is_background: true` moves the
 * process to the background after `BACKGROUND_DELAY_MS` (200 ms) and answers with its PID
 * ("Output hidden"; our `bg_bash`, answering 200 ms after the start); no notice ever reaches the
 * model and no tool blocks until a process ends, so the model checks with another shell command
 * every turn (our `check_bg`, driven by the simulated model's `every_turn` poll policy); output
 * is read with a shell command too (our `bg_output`), a process stopped with `kill` (our
 * `bg_kill`). Sources and versions: docs/benchmark.md, "Peers".
 */
import { pollStrategy, type Strategy } from '@bgtasks/agent';
import { pickTools } from './peer-tools.ts';

/** `BACKGROUND_DELAY_MS` of packages/core/src/tools/shell.ts: the call answers this long after the start. */
export const GEMINI_BACKGROUND_DELAY_MS = 200;

/** Options of {@link geminiCliStrategy}. */
export interface GeminiCliStrategyOptions {
  /** Factor on the background delay (the benchmark's real clock runs at a reduced scale). Default 1. */
  scale?: number;
}

/** The `gemini-cli` peer as a {@link Strategy}. */
export function geminiCliStrategy(options: GeminiCliStrategyOptions = {}): Strategy {
  const delayMs = GEMINI_BACKGROUND_DELAY_MS * (options.scale ?? 1);
  const poll = pollStrategy();
  return {
    ...poll,
    name: 'gemini-cli',
    tools: (executor) =>
      pickTools(poll.tools(executor), ['bg_bash', 'check_bg', 'bg_output', 'bg_kill'], {
        async bg_bash(input, signal, original) {
          const outcome = await original('bg_bash', input, signal);
          if (!outcome.isError) await executor.runtime.sleep(delayMs, signal);
          return outcome;
        },
      }),
  };
}
