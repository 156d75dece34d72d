/**
 * A scripted model for one scenario, played the same way under each strategy: start a build and
 * a test run, think, learn how they ended, finish with a summary. It picks its moves from the
 * tools the request offers (`bash`: block; `check_bg`: poll; otherwise inject) and learns job
 * results only from `<bg_notice>` blocks in the messages, as a real model would.
 */
import type { ContentBlock, MessageCreateParams, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { parseNotices, type Runtime } from '@bgtasks/core';
import { assistantMessage, type RecordedRequest, type Responder, textBlock, toolUseBlock } from './scripted-fetch.ts';

/** Options of {@link twoJobScenario}. */
export interface TwoJobScenarioOptions {
  /** The build command (job id `build`). */
  build: string;
  /** The test command (job id `test`). */
  test: string;
  /** Think time per answer, slept on `clock` (virtual or real). Default none. */
  thinkMs?: number;
  clock?: Pick<Runtime, 'sleep'>;
}

function textsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) textsOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) textsOf(v, out);
  return out;
}

/** Rough token count of a request: its prompt JSON over 4. */
function promptTokens(body: MessageCreateParams): number {
  return Math.ceil(JSON.stringify([body.tools, body.system, body.messages]).length / 4);
}

/** Usage as the API would report it with a breakpoint on the last block: the previous prompt is read from the cache. */
function usageFor(body: MessageCreateParams, previous: number, content: ContentBlock[]) {
  const total = promptTokens(body);
  const cacheRead = Math.min(previous, total);
  return { input: 3, cacheRead, cacheCreation: total - cacheRead, output: Math.ceil(JSON.stringify(content).length / 4) };
}

/**
 * @example
 * const scripted = createScriptedFetch(twoJobScenario({ build: 'sleep 0.2 && echo built', test: 'exit 3' }));
 */
export function twoJobScenario(options: TwoJobScenarioOptions): Responder {
  let previousPrompt = 0;
  return async (request: RecordedRequest, index: number) => {
    if (options.thinkMs && options.clock) await options.clock.sleep(options.thinkMs);
    const body = request.body;
    const tools = new Set((body.tools ?? []).map((t) => ('name' in t ? String(t.name) : '')));
    const messages: MessageParam[] = body.messages;
    const calls = messages.flatMap((m) =>
      m.role === 'assistant' && typeof m.content !== 'string' ? m.content.filter((b) => b.type === 'tool_use') : [],
    );
    const lastAssistant = messages.findLast((m) => m.role === 'assistant');
    const lastCalls =
      lastAssistant && typeof lastAssistant.content !== 'string'
        ? lastAssistant.content.filter((b) => b.type === 'tool_use')
        : [];
    const seen = new Map<string, { state: string; exitCode: number | null }>();
    for (const m of messages) {
      if (m.role !== 'user') continue;
      for (const n of parseNotices(textsOf(m.content).join('\n'))) seen.set(n.jobId, n);
    }
    const id = (k: number): string => `toolu_${index}_${k}`;
    let content: ContentBlock[];
    const summary = (names: string[]): ContentBlock[] => [
      textBlock(
        `Done. ${names
          .map((name) => {
            const n = seen.get(name);
            return `${name}: ${n ? `${n.state} (exit ${n.exitCode})` : 'unknown'}`;
          })
          .join(', ')}.`,
      ),
    ];
    if (tools.has('bash')) {
      const bashCalls = calls.filter((c) => c.name === 'bash').length;
      // Block: each command's notice comes back in its tool_result (the job ids are generated).
      const ids = [...seen.keys()];
      if (bashCalls === 0) content = [textBlock('Building first.'), toolUseBlock(id(0), 'bash', { command: options.build })];
      else if (bashCalls === 1) content = [textBlock('Now the tests.'), toolUseBlock(id(0), 'bash', { command: options.test })];
      else content = summary(ids);
    } else if (!calls.some((c) => c.name === 'bg_bash')) {
      content = [
        textBlock('Starting the build and the tests in the background.'),
        toolUseBlock(id(0), 'bg_bash', { command: options.build, id: 'build' }),
        toolUseBlock(id(1), 'bg_bash', { command: options.test, id: 'test' }),
      ];
    } else if (seen.has('build') && seen.has('test')) {
      content = summary(['build', 'test']);
    } else if (tools.has('check_bg')) {
      content = lastCalls.some((c) => c.name === 'bg_bash')
        ? [textBlock('While they run, I read the config.'), toolUseBlock(id(0), 'check_bg', {})]
        : [toolUseBlock(id(0), 'bg_wait', { ids: ['build', 'test'], mode: 'all', timeout_s: 600 })];
    } else {
      content = [textBlock('While they run, I read the config; I will continue when they end.')];
    }
    const usage = usageFor(body, previousPrompt, content);
    previousPrompt = promptTokens(body);
    return assistantMessage(content, { usage, id: `msg_${index}` });
  };
}
