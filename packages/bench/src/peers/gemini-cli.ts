/**
 * Gemini CLI's shell tool, reproduced: `run_shell_command` with `is_background: true` returns at
 * once with the process id (our `bg_bash`); no notice ever reaches the model and there is no
 * tool that blocks until a process ends, so the model checks with another shell command every
 * turn (our `check_bg`, driven by the simulated model's `every_turn` poll policy); output is
 * read with a shell command too (our `bg_output`), a process stopped with `kill` (our `bg_kill`).
 * Sources and versions: docs/benchmark.md, "Peers".
 */
import { pollStrategy, type Strategy } from '@bgtasks/agent';
import { pickTools } from './peer-tools.ts';

/** The `gemini-cli` peer as a {@link Strategy}. */
export function geminiCliStrategy(): Strategy {
  const poll = pollStrategy();
  return {
    ...poll,
    name: 'gemini-cli',
    tools: (executor) => pickTools(poll.tools(executor), ['bg_bash', 'check_bg', 'bg_output', 'bg_kill']),
  };
}
