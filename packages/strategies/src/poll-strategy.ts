/** `poll`: the model asks (`check_bg`, `bg_wait`) when it wants to know. */
import { pollingTools } from '@bgtasks/polling';
import { type NoticeBatch, runningJobs, type Strategy } from './strategy.ts';

const NOTHING: NoticeBatch = { notices: [] };

/** Options of {@link pollStrategy}. */
export interface PollStrategyOptions {
  /**
   * When the model ends its turn while jobs still run: `false` (default) ends the run and reports
   * the jobs in `runningJobs`; `true` or a text sends a user message (this text, or one naming the
   * jobs) and goes on, up to the run's turn limit.
   */
  nudge?: boolean | string;
}

/** The nudge sent when {@link PollStrategyOptions.nudge} is `true`. */
export function defaultNudge(running: readonly string[]): string {
  return `Background jobs still running: ${running.join(', ')}. Check on them with check_bg or bg_wait before you finish.`;
}

/**
 * `bg_bash`, `check_bg`, `bg_wait`, `bg_output`, `bg_kill`; no notice is pushed, the model polls.
 * @example
 * await runAgent({ client, model, executor, strategy: pollStrategy({ nudge: true }), prompt: 'Build and test.' });
 */
export function pollStrategy(options: PollStrategyOptions = {}): Strategy {
  const nudge = options.nudge ?? false;
  return {
    name: 'poll',
    tools: pollingTools,
    beforeRequest: () => NOTHING,
    afterSuccess: () => {},
    afterFailure: () => {},
    async onEndTurn({ executor, turnsLeft }) {
      const running = runningJobs(executor);
      if (nudge === false || running.length === 0) return { action: 'stop' };
      if (turnsLeft <= 0) return { action: 'stop', reason: 'max_turns' };
      return { action: 'continue', say: typeof nudge === 'string' ? nudge : defaultNudge(running) };
    },
  };
}
