import { createAnthropic } from '@ai-sdk/anthropic';
import { BackgroundExecutor } from '@bgtasks/core';
import { createSimModel } from '@bgtasks/sim-model';
import { createVirtualRuntime, VirtualClock } from '@bgtasks/runtime/testing';
import { generateText, stepCountIs } from 'ai';
import { it } from 'vitest';
import { bgTools, runUntilDone, withNotices } from './index.ts';

it.each(['default', 'independent', 'chain', 'fan-out-fan-in', 'job-bound', 'think-bound', 'early-failure'])('smoke %s', async (name) => {
  const clock = new VirtualClock();
  const runtime = createVirtualRuntime({ clock });
  const executor = new BackgroundExecutor(runtime, { maxConcurrent: 8 });
  const sim = createSimModel(name, { clock });
  const server = await sim.serve({ port: 0 });
  const anthropic = createAnthropic({ baseURL: `${server.url}/v1`, apiKey: 'sim' });
  const placements: string[] = [];
  const notices = withNotices(executor, { onDelivered: (d) => placements.push(`${d.placement}:${d.notices.map((n) => n.jobId).join('+')}`) });
  const tools = bgTools(executor, { strategy: 'inject' });
  const out = await runUntilDone({
    notices,
    messages: [{ role: 'user', content: sim.scenario.prompt }],
    generate: (messages, abortSignal) =>
      generateText({ model: anthropic('claude-sonnet-4-5'), tools, messages, abortSignal, stopWhen: stepCountIs(50), prepareStep: notices.prepareStep, onStepFinish: notices.onStepFinish }),
  });
  console.log(name, out.stopReason, out.results.length, placements.join(' '), JSON.stringify(out.messages.at(-1)).slice(0, 300));
  await server.close();
  await executor.close();
});
