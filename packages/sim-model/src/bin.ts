#!/usr/bin/env node
/**
 * `bgtasks-sim [flags]` (in this repository `npm run sim -- [flags]`): serves the simulated model over HTTP on
 * loopback, prints its URL, then one line per answered request; Ctrl-C stops it. The flags
 * share names and meanings with `bgtasks-agent` (`--scenario`, `--scale`, `--poll`).
 */
import {
  choiceFlag,
  type FlagSpecs,
  flagsHelp,
  numberFlag,
  parseFlags,
  readTextFileBounded,
  terminalSafe,
  UsageError,
} from '@bgtasks/runtime/cli';
import { BUILTIN_SCENARIO_NAMES, builtinScenario } from './builtin-scenarios.ts';
import { InvalidScenarioError, SimServeError } from './errors.ts';
import { POLL_POLICIES, type Scenario } from './scenario.ts';
import { MAX_SCENARIO_CHARS, parseScenarioText } from './scenario-file.ts';
import { createSimModel } from './sim-model.ts';
import { scaledPacing, scaledPolicy } from './time-scale.ts';

const VERSION = '0.1.0';

const FLAGS = {
  port: { type: 'string', value: 'N', default: '0, a free port', description: 'TCP port to listen on (0 to 65535)' },
  host: {
    type: 'string',
    value: 'HOST',
    default: '127.0.0.1',
    description: 'loopback address to bind: 127.0.0.1, ::1 or localhost',
  },
  scenario: {
    type: 'string',
    short: 's',
    value: 'NAME|FILE',
    default: 'default',
    description: `a built-in scenario or a .json/.yaml file; built-in:\n${BUILTIN_SCENARIO_NAMES.join(', ')}`,
  },
  scale: {
    type: 'string',
    value: 'F',
    default: '1, real-world pace',
    description:
      'job durations and model pacing times F, more than 0 and\nat most 10 (0.1 runs ten times faster), as bgtasks-agent --scale',
  },
  poll: {
    type: 'string',
    value: POLL_POLICIES.join('|'),
    default: "the scenario's policy.poll",
    description: 'how the model polls when the client offers check_bg',
  },
  seed: { type: 'string', value: 'N', default: '0', description: 'seed of ids and filler text (a whole number)' },
  'api-key': { type: 'string', value: 'KEY', default: 'any key accepted', description: 'accept only this API key' },
  help: { type: 'boolean', short: 'h', description: 'this help' },
  version: { type: 'boolean', short: 'v', description: 'the version' },
} as const satisfies FlagSpecs;

const HELP = `bgtasks-sim: a simulated Claude (Messages API) on loopback HTTP, driven by a scenario

Usage: bgtasks-sim [options]      (in a clone of bgtasks: npm run sim -- [options])

Options:
${flagsHelp(FLAGS)}

Exit codes: 130 stopped by Ctrl-C (SIGINT), 143 by SIGTERM; 2 bad input (a flag, a scenario
file, a host that is not loopback, a port in use).

Examples:
  bgtasks-sim --port 8787 --scenario chain
  bgtasks-sim --scale 0.1 --poll backoff
`;

function loadScenario(spec: string): Scenario {
  if ((BUILTIN_SCENARIO_NAMES as readonly string[]).includes(spec)) return builtinScenario(spec);
  if (!/\.(ya?ml|json)$/i.test(spec) && !spec.includes('/')) {
    throw new UsageError(
      `--scenario: "${spec}" is neither a built-in scenario (${BUILTIN_SCENARIO_NAMES.join(', ')}) nor a .json/.yaml file; see --help`,
    );
  }
  return parseScenarioText(readTextFileBounded('scenario', spec, MAX_SCENARIO_CHARS), { source: spec });
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`bgtasks-sim ${VERSION}\n`);
    return 0;
  }
  const str = (name: keyof typeof FLAGS) => values[name] as string | undefined;
  const port = numberFlag('port', str('port') ?? '0', { min: 0, max: 65_535, integer: true });
  const scale = numberFlag('scale', str('scale') ?? '1', { min: 0, exclusiveMin: true, max: 10 });
  const seed = numberFlag('seed', str('seed') ?? '0', { min: 0, max: 2 ** 32 - 1, integer: true });
  const poll = str('poll');
  const pollPolicy = poll === undefined ? undefined : choiceFlag('poll', poll, POLL_POLICIES);
  const apiKey = str('api-key');
  if (apiKey !== undefined && apiKey.trim() === '') throw new UsageError('--api-key needs a key; see --help');
  const scenario = scaledPolicy(loadScenario(str('scenario') ?? 'default'), scale);
  const started = performance.now();
  const sim = createSimModel(scenario, {
    scale,
    pacing: scaledPacing(scale),
    seed,
    ...(pollPolicy ? { pollPolicy } : {}),
    ...(apiKey ? { apiKey } : {}),
    onExchange(e) {
      const u = e.message.usage;
      const calls = e.message.content.flatMap((b) => (b.type === 'tool_use' ? [`${b.name}(${JSON.stringify(b.input)})`] : []));
      const text = e.message.content.flatMap((b) => (b.type === 'text' ? [b.text.split('\n')[0]] : [])).join(' | ');
      const at = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
      const out = [
        `${at}s ${e.strategy}/${e.kind} ${e.message.stop_reason} in=${u.input_tokens} cache_write=${u.cache_creation_input_tokens} cache_read=${u.cache_read_input_tokens} out=${u.output_tokens}${e.streamed ? ' (stream)' : ''}`,
        ...(text ? [`         text: ${terminalSafe(text.slice(0, 160))}`] : []),
        ...calls.map((c) => `         call: ${terminalSafe(c.slice(0, 160))}`),
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    },
  });
  const server = await sim.serve({ port, ...(str('host') ? { host: str('host') } : {}) });
  process.stdout.write(`sim-model serving scenario "${scenario.name}" at ${server.url} (POST ${server.url}/v1/messages)\n`);
  process.stdout.write(`prompt: ${terminalSafe(scenario.prompt)}\n`);
  return new Promise<number>((resolve) => {
    // 128 + the signal's number, as every bgtasks bin and the shell report it.
    const stop = (code: number) => () => void server.close().then(() => resolve(code));
    process.once('SIGINT', stop(130));
    process.once('SIGTERM', stop(143));
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const bad = UsageError.isInstance(error) || InvalidScenarioError.isInstance(error) || SimServeError.isInstance(error);
  const message = error instanceof Error ? error.message : String(error);
  const inUse = (error as { code?: string }).code === 'EADDRINUSE';
  if (!bad && !inUse) throw error;
  process.stderr.write(`bgtasks-sim: ${terminalSafe(inUse ? `--port: ${message}` : message)}\n`);
  process.exitCode = 2;
}
