/** The text of `bgtasks-agent --help`: the flags come from {@link AGENT_FLAGS}, so none is left out. */
import { type FlagSpec, flagsHelp } from '@bgtasks/runtime/cli';
import { AGENT_FLAGS } from './args.ts';

/** `--help`, with the built-in scenario names and the default model filled in. */
export function helpText(scenarios: readonly string[], model: string): string {
  const fill = (text: string) => text.replace('%SCENARIOS%', scenarios.join(', ')).replace('%MODEL%', model);
  const flags: Record<string, FlagSpec> = {};
  for (const [name, f] of Object.entries(AGENT_FLAGS)) {
    const spec: FlagSpec = { ...f, description: fill(f.description) };
    if ('default' in f) spec.default = fill(f.default);
    flags[name] = spec;
  }
  return `bgtasks-agent: an agent that runs slow shell commands in the background and learns when they end

Usage: bgtasks-agent [options] [prompt...]

Without ANTHROPIC_API_KEY it runs offline on the built-in simulated model (a Messages-API
server with scripted scenarios); with it, it talks to Claude. It says which at the start.

Options:
${flagsHelp(flags)}

Two turn limits: --max-turns caps the model requests this CLI makes; a scenario's maxTurns is
the simulated model's own cap (after that many turns it answers that it gives up). On the
simulated model --max-turns defaults to the scenario's maxTurns + 1, room for that answer, so
the scenario's own cap is the one that holds.

Exit codes: 0 the model finished (end_turn); 1 the run did not finish: a model request failed
after the SDK's retries, --max-turns was reached, or the model stopped otherwise (max_tokens,
refusal); 2 bad input (a flag, a scenario file, --cwd, an API key the API rejects);
130 interrupted (Ctrl-C): every job is killed and the summary printed.

Examples:
  bgtasks-agent                                   # default scenario, inject, simulated model
  bgtasks-agent --notify poll --poll backoff      # poll with back-off
  bgtasks-agent --runtime deno --notify block     # the same agent on Deno, foreground baseline
  bgtasks-agent --loop tool-runner --notify poll  # the SDK's own tool runner, polling
  bgtasks-agent --loop ai-sdk                     # the Vercel AI SDK's loop, inject
  bgtasks-agent --scenario early-failure --json   # summary as JSON
  bgtasks-agent --backend bullmq --workers 2      # jobs on two queue workers (Redis at 127.0.0.1)
  ANTHROPIC_API_KEY=... bgtasks-agent --cwd ~/repo "Install, build and test this repo"
`;
}
