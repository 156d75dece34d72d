// The agent loop, unchanged, on the queue backend: runAgent (inject and poll) plays the two-job
// scenario on the scripted model while two worker processes run the jobs.
import Anthropic from '@anthropic-ai/sdk';
import { runAgent, type StrategyName } from '@bgtasks/agent';
import { createScriptedFetch, noticeIdsIn, twoJobScenario } from '@bgtasks/agent/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { QueueExecutor } from './queue-executor.ts';
import { type Proc, spawnWorker } from './test-support/processes.ts';
import { deletePrefix, SHARED_REDIS, uniquePrefix } from './test-support/redis.ts';

const prefix = uniquePrefix();
const workers: Proc[] = [];

beforeAll(async () => {
  // One job at a time each, so the build and the tests run on different worker processes.
  for (const name of ['w1', 'w2']) {
    workers.push(
      await spawnWorker(['--redis', SHARED_REDIS, '--prefix', prefix, '--queue', 'agent', '--concurrency', '1', '--name', name]),
    );
  }
});

afterAll(async () => {
  for (const w of workers) {
    w.child.kill('SIGTERM');
    await w.exited;
  }
  await deletePrefix(SHARED_REDIS, prefix);
});

async function play(strategy: StrategyName, queue: string) {
  const executor = await QueueExecutor.open({ redis: SHARED_REDIS, prefix, queue, host: `agent-${strategy}` });
  try {
    const scripted = createScriptedFetch(
      twoJobScenario({ build: 'sleep 0.5 && echo built', test: 'sleep 0.5 && echo "2 failed" && exit 3' }),
    );
    const client = new Anthropic({ apiKey: 'test', fetch: scripted.fetch, maxRetries: 1 });
    const result = await runAgent({
      client,
      model: 'claude-sonnet-4-6',
      strategy,
      executor,
      system: 'You are a careful build engineer.',
      prompt: 'Build the project and run the tests.',
      maxTurns: 10,
    });
    return { result, requests: scripted.requests, jobs: executor.list() };
  } finally {
    await executor.close();
  }
}

async function workersOf(queue: string, ids: string[]): Promise<(string | null)[]> {
  const redis = new Redis(SHARED_REDIS);
  try {
    return await Promise.all(ids.map((id) => redis.hget(`${prefix}:${queue}:~bg:job:${id}`, 'worker')));
  } finally {
    redis.disconnect();
  }
}

describe('runAgent on two worker processes', () => {
  test.each(['inject', 'poll'] as const)(
    '%s: the model learns both results and the jobs ran on both workers',
    async (strategy) => {
      // The worker processes serve queue "agent"; each strategy gets its own host (and ids under it).
      const { result, requests, jobs } = await play(strategy, 'agent');
      expect(result.stopReason).toBe('end_turn');
      expect(result.finalText).toBe('Done. build: completed (exit 0), test: failed (exit 3).');
      const delivered = requests.flatMap((r) => noticeIdsIn(r.body.messages.at(-1)));
      expect(delivered.sort()).toEqual(['build', 'test']);
      expect(jobs.map((j) => [j.id, j.state, j.exitCode])).toEqual([
        ['build', 'completed', 0],
        ['test', 'failed', 3],
      ]);
      expect((await workersOf('agent', ['build', 'test'])).sort()).toEqual(['w1', 'w2']);
      // The ids are free again for the next strategy's run only once these records go; keep them apart.
      const redis = new Redis(SHARED_REDIS);
      await redis.del(`${prefix}:agent:~bg:job:build`, `${prefix}:agent:~bg:job:test`);
      redis.disconnect();
    },
  );
});
