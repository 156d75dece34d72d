/**
 * Codex CLI's unified exec, reproduced. `exec_command` starts a command and blocks up to
 * `yield_time_ms` (default 10 000 ms): a command that ends by then answers with its exit code,
 * one still running answers with a session id. The tool calls of one response run together, so
 * the response's results come back when every call has returned. `write_stdin` with empty
 * `chars` waits on ONE session again, its yield clamped to [5 000, 300 000] ms. No notice ever
 * reaches the model. Sources and versions: docs/benchmark.md, "Peers".
 *
 * Here: our `bg_bash` starts the job and the strategy's `beforeRequest` holds the next request
 * until each job started since the last request has ended or used its yield; the ends it saw
 * ride that request inside the tool result (as the exit code rides Codex's). `bg_wait` is
 * `write_stdin` with empty input (first id only, timeout clamped); `check_bg` stands for a
 * short `write_stdin` on a session, `bg_output` for reading one, `bg_kill` for writing Ctrl-C.
 */
import { pollStrategy, type Strategy } from '@bgtasks/agent';
import { type Executor, isFinalNotice, type Notice } from '@bgtasks/core';
import { pickTools, type ToolOverride } from './peer-tools.ts';

/** `exec_command`'s default `yield_time_ms` (codex-rs/core/src/tools/handlers/unified_exec.rs). */
export const CODEX_EXEC_YIELD_MS = 10_000;
/** Smallest yield of an empty `write_stdin` (`MIN_EMPTY_YIELD_TIME_MS`, codex-rs/core/src/unified_exec/mod.rs). */
export const CODEX_MIN_EMPTY_YIELD_MS = 5_000;
/** Largest yield of an empty `write_stdin` (`DEFAULT_MAX_BACKGROUND_TERMINAL_TIMEOUT_MS`). */
export const CODEX_MAX_EMPTY_YIELD_MS = 300_000;

/** Options of {@link codexStrategy}. */
export interface CodexStrategyOptions {
  /** Factor on every yield (the benchmark's real clock runs at a reduced scale). Default 1. */
  scale?: number;
}

/** Per run: when the last request went out, so the jobs of the response after it are known. */
const lastRequestAt = new WeakMap<Executor, number>();

function waitOneSession(scale: number): ToolOverride {
  return (input, signal, original) => {
    if (typeof input !== 'object' || input === null) return original('bg_wait', input, signal);
    const raw = input as { ids?: unknown; until?: unknown; timeout_s?: unknown };
    if (raw.until !== undefined) return original('bg_wait', input, signal);
    const ids = Array.isArray(raw.ids) ? raw.ids.slice(0, 1) : raw.ids;
    const asked = typeof raw.timeout_s === 'number' ? raw.timeout_s * 1000 : 0;
    const clamped = Math.min(CODEX_MAX_EMPTY_YIELD_MS * scale, Math.max(CODEX_MIN_EMPTY_YIELD_MS * scale, asked));
    return original('bg_wait', { ...raw, ids, mode: 'all', timeout_s: clamped / 1000 }, signal);
  };
}

/** The `codex` peer as a {@link Strategy}. */
export function codexStrategy(options: CodexStrategyOptions = {}): Strategy {
  const scale = options.scale ?? 1;
  const poll = pollStrategy();
  return {
    ...poll,
    name: 'codex',
    tools: (executor) =>
      pickTools(poll.tools(executor), ['bg_bash', 'bg_wait', 'check_bg', 'bg_output', 'bg_kill'], {
        bg_wait: waitOneSession(scale),
      }),
    async beforeRequest({ executor, signal }) {
      const clock = executor.runtime;
      const since = lastRequestAt.get(executor);
      const started = since === undefined ? [] : executor.list().filter((j) => j.queuedAt >= since);
      let notices: Notice[] = [];
      if (started.length > 0) {
        const deadline = Math.max(...started.map((j) => (j.startedAt ?? j.queuedAt) + CODEX_EXEC_YIELD_MS * scale));
        const ids = started.map((j) => j.id);
        const timeoutMs = Math.max(0, deadline - clock.now());
        const { ended } = await executor.wait(ids, { mode: 'all', timeoutMs, signal });
        const endedIds = new Set(ended.map((j) => j.id));
        notices = executor.bus.history().filter((n) => endedIds.has(n.jobId) && isFinalNotice(n));
      }
      lastRequestAt.set(executor, clock.now());
      return { notices };
    },
  };
}
