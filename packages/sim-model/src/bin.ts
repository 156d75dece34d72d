#!/usr/bin/env node
/**
 * `npm run sim -- --port 0 [--scenario name|file.yaml] [--scale 1] [--poll-policy every_turn]
 * [--seed 0] [--api-key KEY] [--host 127.0.0.1]`: serves the simulated model over HTTP, prints
 * its URL, then one line per answered request; Ctrl-C stops it.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { builtinScenario } from './builtin-scenarios.ts';
import { InvalidScenarioError, SimServeError } from './errors.ts';
import { POLL_POLICIES, type PollPolicy, type Scenario } from './scenario.ts';
import { parseScenarioText } from './scenario-file.ts';
import { createSimModel } from './sim-model.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    scenario: { type: 'string', default: 'default' },
    scale: { type: 'string', default: '1' },
    'poll-policy': { type: 'string' },
    seed: { type: 'string', default: '0' },
    'api-key': { type: 'string' },
  },
});

async function loadScenario(spec: string): Promise<Scenario> {
  if (/\.(ya?ml|json)$/i.test(spec)) return parseScenarioText(await readFile(spec, 'utf8'), { source: spec });
  return builtinScenario(spec);
}

try {
  const pollPolicy = values['poll-policy'];
  if (pollPolicy !== undefined && !(POLL_POLICIES as readonly string[]).includes(pollPolicy)) {
    throw new Error(`--poll-policy must be one of ${POLL_POLICIES.join(', ')}`);
  }
  const scenario = await loadScenario(values.scenario);
  const started = performance.now();
  const sim = createSimModel(scenario, {
    scale: Number(values.scale),
    seed: Number(values.seed),
    ...(pollPolicy ? { pollPolicy: pollPolicy as PollPolicy } : {}),
    ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
    onExchange(e) {
      const u = e.message.usage;
      const calls = e.message.content.flatMap((b) => (b.type === 'tool_use' ? [`${b.name}(${JSON.stringify(b.input)})`] : []));
      const text = e.message.content.flatMap((b) => (b.type === 'text' ? [b.text.split('\n')[0]] : [])).join(' | ');
      const at = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
      console.log(
        `${at}s ${e.strategy}/${e.kind} ${e.message.stop_reason} in=${u.input_tokens} cache_write=${u.cache_creation_input_tokens} cache_read=${u.cache_read_input_tokens} out=${u.output_tokens}${e.streamed ? ' (stream)' : ''}`,
      );
      if (text) console.log(`         text: ${text.slice(0, 160)}`);
      for (const c of calls) console.log(`         call: ${c.slice(0, 160)}`);
    },
  });
  const server = await sim.serve({ port: Number(values.port), host: values.host });
  console.log(`sim-model serving scenario "${scenario.name}" at ${server.url} (POST ${server.url}/v1/messages)`);
  console.log(`prompt: ${scenario.prompt}`);
  const stop = async (): Promise<void> => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} catch (error) {
  console.error(InvalidScenarioError.isInstance(error) || SimServeError.isInstance(error) ? error.message : error);
  process.exit(1);
}
