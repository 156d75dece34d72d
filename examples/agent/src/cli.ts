/**
 * The example agent: parse flags, pick the model (Claude with ANTHROPIC_API_KEY, else the
 * simulated one), run the agent with the chosen strategy, show it live, print a summary.
 */
import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type AgentEvent, type AgentResult, ModelRequestError } from '@bgtasks/agent';
import { SandboxUnavailableError } from '@bgtasks/core';
import { createRuntime, hostRuntimeName, hostRuntimeVersion } from '@bgtasks/runtime';
import { readTextFileBounded, terminalSafe, withoutFlag } from '@bgtasks/runtime/cli';
import {
  BUILTIN_SCENARIO_NAMES,
  builtinScenario,
  createSimModel,
  InvalidScenarioError,
  MAX_SCENARIO_CHARS,
  parseScenarioText,
  type Scenario,
  scaledPacing,
  scaledPolicy,
} from '@bgtasks/sim-model';
import { type CliOptions, parseCli, UsageError } from './args.ts';
import { openBackend } from './backend.ts';
import { helpText } from './help.ts';
import { LOOPS, type ModelEndpoint } from './loops/index.ts';
import { formatSummary, summarize } from './summary.ts';
import { TranscriptWriter } from './transcript.ts';
import { oneLine, RunView, type ViewSink } from './view.ts';

/** The model used with an API key when `--model` is not given. */
export const DEFAULT_MODEL = 'claude-sonnet-4-6';
export const VERSION = '0.1.0';

/** What the CLI needs from its host process. */
export interface CliHost {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: ViewSink;
  stderr: (text: string) => void;
  /** Runs `--runtime X` when X is not the current runtime; resolves with its exit code. */
  relaunch: (runtime: 'node' | 'bun' | 'deno', argv: readonly string[]) => Promise<number>;
}

function loadScenario(nameOrFile: string, cwd: string): Scenario {
  if ((BUILTIN_SCENARIO_NAMES as readonly string[]).includes(nameOrFile)) {
    return builtinScenario(nameOrFile as (typeof BUILTIN_SCENARIO_NAMES)[number]);
  }
  const path = resolve(cwd, nameOrFile);
  if (statSync(path, { throwIfNoEntry: false }) === undefined) {
    throw new UsageError(
      `--scenario: "${nameOrFile}" is neither a built-in scenario (${BUILTIN_SCENARIO_NAMES.join(', ')}) nor a file that exists`,
    );
  }
  // Bounded: /dev/zero or an endless pipe is refused at the cap, not read until memory runs out.
  const text = readTextFileBounded('scenario', path, MAX_SCENARIO_CHARS);
  try {
    return parseScenarioText(text, { source: path });
  } catch (error) {
    if (InvalidScenarioError.isInstance(error)) throw new UsageError(`--scenario: ${error.message}`);
    throw error;
  }
}

function stateDir(env: CliHost['env']): string {
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'bgtasks', 'jobs');
}

/**
 * The HTTP status of a failed model request: the Anthropic SDK's `status` or the AI SDK's
 * `statusCode`, on the error, its `cause`, or (after the AI SDK's retries) its `lastError`.
 */
function httpStatusOf(error: unknown): number | undefined {
  for (const e of [error, (error as { cause?: unknown })?.cause, (error as { lastError?: unknown })?.lastError]) {
    const { status, statusCode } = (e ?? {}) as { status?: unknown; statusCode?: unknown };
    if (typeof status === 'number') return status;
    if (typeof statusCode === 'number') return statusCode;
  }
  return undefined;
}

/** Runs the CLI; resolves with the exit code. */
export async function runCli(host: CliHost): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(host.argv, host.env);
  } catch (error) {
    if (UsageError.isInstance(error)) {
      host.stderr(`bgtasks-agent: ${terminalSafe(error.message)}\n`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    host.stdout.write(helpText(BUILTIN_SCENARIO_NAMES, DEFAULT_MODEL));
    return 0;
  }
  if (options.version) {
    host.stdout.write(`bgtasks-agent ${VERSION}\n`);
    return 0;
  }
  const current = hostRuntimeName();
  if (options.runtime && options.runtime !== current) {
    return host.relaunch(options.runtime, withoutFlag(host.argv, 'runtime'));
  }
  try {
    return await run(options, host);
  } catch (error) {
    if (UsageError.isInstance(error)) {
      host.stderr(`bgtasks-agent: ${terminalSafe(error.message)}\n`);
      return 2;
    }
    if (SandboxUnavailableError.isInstance(error)) {
      host.stderr(`bgtasks-agent: --sandbox: ${terminalSafe(error.message)}\n`);
      return 1;
    }
    throw error;
  }
}

async function run(options: CliOptions, host: CliHost): Promise<number> {
  const cwd = resolve(host.cwd, options.cwd ?? '.');
  let realCwd: string;
  try {
    realCwd = realpathSync(cwd);
  } catch {
    throw new UsageError(`--cwd: "${options.cwd}" does not exist`);
  }
  // A file would be accepted by realpath and then fail every job: refuse it here, once.
  if (!statSync(realCwd).isDirectory()) throw new UsageError(`--cwd: "${options.cwd}" is a file, not a directory`);
  const apiKey = host.env.ANTHROPIC_API_KEY;
  const simulated = !apiKey;
  const scenario = simulated || options.scenario !== 'default' ? loadScenario(options.scenario, host.cwd) : null;
  let transcript: TranscriptWriter | undefined;
  if (options.transcript) {
    try {
      transcript = new TranscriptWriter(resolve(host.cwd, options.transcript));
    } catch (error) {
      throw new UsageError(
        `--transcript: cannot write ${options.transcript}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  const runtime = createRuntime();
  const backend = await openBackend(options, runtime, realCwd, stateDir(host.env));
  const executor = backend.executor;
  const model = options.model ?? DEFAULT_MODEL;
  let endpoint: ModelEndpoint;
  if (simulated) {
    const sim = createSimModel(scaledPolicy(scenario as Scenario, options.scale), {
      clock: runtime,
      scale: options.scale,
      pacing: scaledPacing(options.scale),
      ...(options.poll ? { pollPolicy: options.poll } : {}),
    });
    endpoint = { apiKey: 'sim', fetch: sim.fetch, baseURL: 'http://simulated.invalid', maxRetries: 2 };
  } else {
    endpoint = { apiKey, maxRetries: 4 };
  }
  const quiet = options.json;
  const view = new RunView(quiet ? { ...host.stdout, write: () => {} } : host.stdout, executor);
  // The runtime's version too: inside npm scripts `node` may be another Node than the machine's.
  const on = `on ${runtime.name} ${hostRuntimeVersion()}`;
  view.line(
    simulated
      ? `no ANTHROPIC_API_KEY: using the simulated model (scenario "${scenario?.name}"), strategy ${options.notify}, loop ${options.loop}, ${on}`
      : `talking to Claude (${model}), strategy ${options.notify}, loop ${options.loop}, ${on}`,
  );
  if (options.backend !== 'local') view.line(`jobs run on ${backend.describe}`);
  for (const r of backend.reaped) {
    view.line(
      `an earlier run died without cleaning up: job ${r.jobId} (${oneLine(r.command, 200)}) of process ${r.hostPid} ${r.killed ? 'was still running and has been killed' : 'had already ended'}`,
    );
  }
  const startedAt = runtime.now();
  const events: AgentEvent[] = [];
  const controller = new AbortController();
  const ticker = setInterval(() => view.refresh(), 250);

  // Printed once: on Ctrl-C the shutdown hook and the returning loop both get here.
  let summarized: ReturnType<typeof summarize> | undefined;
  const finish = (result: AgentResult | undefined, stopReason?: string): ReturnType<typeof summarize> => {
    if (summarized) return summarized;
    clearInterval(ticker);
    view.finish();
    const summary = summarize({
      model,
      simulated,
      strategy: options.notify,
      loop: options.loop,
      runtime: runtime.name,
      scenario: scenario?.name ?? null,
      wallTimeMs: runtime.now() - startedAt,
      events,
      jobs: executor.list(),
      ...(result ? { result } : {}),
      ...(stopReason ? { stopReason } : {}),
    });
    summarized = summary;
    transcript?.write({ type: 'summary', summary });
    if (result) transcript?.write({ type: 'messages', messages: result.messages });
    if (options.json) host.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      if (summary.finalText) host.stdout.write(`\n${terminalSafe(summary.finalText, { keepNewlines: true })}\n`);
      host.stdout.write(`\n${formatSummary(summary)}\n`);
    }
    return summary;
  };

  // Ctrl-C: the executor's own hook kills every job; this one stops the loop and reports. It
  // stays installed until the jobs are dead and the summary is out, so a signal at any moment
  // (even during the final close) prints the summary once. A second Ctrl-C (`force`): the
  // executor SIGKILLs every job, this prints the summary now, and the host exits.
  let finished: AgentResult | undefined;
  const offShutdown = runtime.onShutdown(async (reason) => {
    controller.abort();
    if (reason !== 'force') await backend.close(250);
    view.line(reason === 'force' ? 'interrupted again: every job was SIGKILLed' : 'interrupted: every job was killed');
    finish(finished, 'interrupted');
  });

  try {
    const loop = await LOOPS[options.loop]();
    const result = await loop({
      endpoint,
      model,
      strategy: options.notify,
      executor,
      prompt: options.prompt ?? scenario?.prompt ?? 'Say hello.',
      // Two limits: --max-turns is this loop's, a scenario's maxTurns the simulated model's own
      // (after that many turns it answers that it gives up, one request more). On the simulated
      // model the loop leaves room for that answer, so the scenario's cap is the one that holds
      // and the loop's default of 50 never cuts a scenario short.
      ...(options.maxTurns ? { maxTurns: options.maxTurns } : scenario && simulated ? { maxTurns: scenario.maxTurns + 1 } : {}),
      stream: options.stream,
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        view.event(event);
        transcript?.write(event as unknown as Record<string, unknown>);
      },
    });
    finished = result;
    await backend.close(500);
    const summary = finish(result);
    offShutdown();
    if (summary.stopReason === 'interrupted') return 130;
    return summary.stopReason === 'end_turn' ? 0 : 1;
  } catch (error) {
    await backend.close(500);
    offShutdown();
    if (controller.signal.aborted) return 130;
    const status = httpStatusOf(error);
    if (status === 401 || status === 403) {
      finish(undefined, 'error');
      host.stderr(
        `bgtasks-agent: the API rejected ANTHROPIC_API_KEY (HTTP ${status}); check the key, or unset it to use the simulated model\n`,
      );
      return 2;
    }
    finish(undefined, 'error');
    host.stderr(
      `bgtasks-agent: ${terminalSafe(error instanceof ModelRequestError || error instanceof Error ? error.message : String(error))}\n`,
    );
    return 1;
  }
}
