import { formatNotice } from '@bgtasks/core';
import { describe, expect, test } from 'vitest';
import { builtinScenario, jobCommand, parseMessagesRequest } from './index.ts';
import { readKnowledge } from './internal/index.ts';

describe('what the model knows', () => {
  test('a foreground bash result carrying a failed <bg_notice> is a failure, whatever id the executor gave the job', () => {
    const scenario = builtinScenario('early-failure');
    const lint = scenario.jobs.find((j) => j.id === 'lint')!;
    const notice = formatNotice({
      jobId: 'sleep-1',
      state: 'failed',
      exitCode: 1,
      signal: null,
      durationMs: 5000,
      outputBytes: 43,
      tail: 'src/app.ts:12:3 error: unused variable tmp\n',
      truncated: false,
      seq: 1,
      endedAt: 5000,
      command: jobCommand(lint),
    });
    const request = parseMessagesRequest({
      model: 'claude-sim',
      max_tokens: 1024,
      tools: [{ name: 'bash', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: scenario.prompt },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'bash', input: { command: jobCommand(lint) } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: notice }] },
      ],
    });
    expect(readKnowledge(request, scenario, 1).states.get('lint')?.state).toBe('failed');
  });
});
