/**
 * Claude Code's background Bash, reproduced: `Bash` with `run_in_background: true` returns at once
 * with a task id (our `bg_bash`); when the task ends a `<task-notification>` is queued
 * (`enqueuePendingNotification` in tasks/LocalShellTask/LocalShellTask.tsx) and delivered with
 * the next request, between turns; an idle session is woken by it; output is read with a tool
 * (`BashOutput`, later `TaskOutput`: our `bg_output`); `KillShell` / `TaskStop` is our `bg_kill`.
 * No coalescing window and no wake timeout. Sources and versions: docs/benchmark.md, "Peers".
 */
import { injectStrategy, type Strategy } from '@bgtasks/agent';
import { pickTools } from './peer-tools.ts';

/** Claude Code waits for a notification as long as a task runs: no wake timeout. */
export const CLAUDE_CODE_WAKE_TIMEOUT_MS = Number.POSITIVE_INFINITY;
/** Notifications queued before the next request all ride it; nothing waits for more to come. */
export const CLAUDE_CODE_COALESCE_MS = 0;

/** The `claude-code` peer as a {@link Strategy}. */
export function claudeCodeStrategy(): Strategy {
  const inject = injectStrategy({
    wakeTimeoutMs: CLAUDE_CODE_WAKE_TIMEOUT_MS,
    coalesceMs: CLAUDE_CODE_COALESCE_MS,
    consumer: 'claude-code',
  });
  return {
    ...inject,
    name: 'claude-code',
    tools: (executor) => pickTools(inject.tools(executor), ['bg_bash', 'bg_output', 'bg_kill']),
  };
}
