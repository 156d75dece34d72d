/** The text of `bgtasks-agent --help`. */
export const HELP = `bgtasks-agent: an agent that runs slow shell commands in the background and learns when they end

Usage: bgtasks-agent [options] [prompt...]

Without ANTHROPIC_API_KEY it runs offline on the built-in simulated model (a Messages-API
server with scripted scenarios); with it, it talks to Claude. It says which at the start.

Options:
  -n, --notify block|poll|inject  how the model learns a job ended (default: inject)
                                  block:  every command runs in the foreground (baseline)
                                  poll:   the model calls check_bg / bg_wait when it wants to know
                                  inject: notices ride the next tool_result; a wake-up when idle
      --loop %LOOPS%
                                  whose agent loop runs (default: own)
                                  own:         bgtasks' runAgent
                                  tool-runner: the Anthropic SDK's toolRunner with bgTools + withNotices
      --poll every_turn|backoff|bg_wait
                                  the simulated model's poll policy (default: the scenario's)
      --scale F                   simulated model only: job durations and model pacing times F
                                  (default: 1, real-world pace; 0.1 runs ten times faster)
      --runtime node|bun|deno     re-run this CLI under that runtime (from the installed packages)
  -s, --scenario NAME|FILE        simulated model scenario: a built-in name or a .json/.yaml file
                                  (default: default; built-in: %SCENARIOS%)
  -m, --model ID                  model id (default: %MODEL% with a key, the simulated model without)
      --max-turns N               stop after N model requests (default: 50)
      --cwd DIR                   run jobs in DIR; a job's cwd may not leave it (default: .)
      --transcript FILE.jsonl     write every event and the final conversation as JSON lines
      --json                      print only a machine-readable summary on stdout
      --stream                    stream model responses (SSE)
  -h, --help                      this help
  -v, --version                   the version

Exit codes: 0 done, 1 the run failed (API error, model gave up), 2 bad input, 130 interrupted.

Examples:
  bgtasks-agent                                   # default scenario, inject, simulated model
  bgtasks-agent --notify poll --poll backoff      # poll with back-off
  bgtasks-agent --runtime deno --notify block     # the same agent on Deno, foreground baseline
  bgtasks-agent --loop tool-runner --notify poll  # the SDK's own tool runner, polling
  bgtasks-agent --scenario early-failure --json   # summary as JSON
  ANTHROPIC_API_KEY=... bgtasks-agent --cwd ~/repo "Install, build and test this repo"
`;
