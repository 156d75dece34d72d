/** `block`: every command runs in the foreground, so there is nothing to tell the model later. */
import { blockTools } from '@bgtasks/polling';
import type { NoticeBatch, Strategy } from './strategy.ts';

const NOTHING: NoticeBatch = { notices: [] };

/**
 * Only the foreground `bash`: each command's result is its tool_result. The baseline the other
 * strategies are measured against.
 * @example
 * await runAgent({ client, model, executor, strategy: blockStrategy(), prompt: 'Run the tests.' });
 */
export function blockStrategy(): Strategy {
  return {
    name: 'block',
    tools: blockTools,
    beforeRequest: () => NOTHING,
    afterSuccess: () => {},
    afterFailure: () => {},
    onEndTurn: async () => ({ action: 'stop' }),
  };
}
