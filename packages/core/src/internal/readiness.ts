/**
 * Readiness: when a running job counts as ready (an output line matches a pattern, a port
 * accepts connections, the output has been idle), for `waitFor` and for a spec's `ready`.
 */
import { checkDuration } from '../duration.ts';
import { InvalidJobSpecError, UnsupportedError } from '../errors.ts';
import type { ReadyMet, ReadySpec } from '../job.ts';
import { compilePattern } from '../job-watch.ts';
import type { Runtime } from '../runtime.ts';
import type { Entry } from './job-entry.ts';

/** How often a port is probed while waiting for it. */
const PORT_POLL_MS = 100;
/** How long one probe waits for a connection. */
const PORT_PROBE_TIMEOUT_MS = 1_000;

/** A readiness condition, validated. */
export type Condition = { pattern: RegExp } | { port: number } | { idleMs: number };

/** Validates the readiness condition of a `waitFor` call. */
export function checkCondition(runtime: Runtime, options: { pattern?: string; port?: number; idleMs?: number }): Condition {
  if (options.pattern !== undefined) {
    if (typeof options.pattern !== 'string' || options.pattern.length === 0 || options.pattern.length > 1_000) {
      throw new InvalidJobSpecError(['pattern: must be a regex source of 1-1000 characters']);
    }
    return { pattern: compilePattern('pattern', options.pattern) };
  }
  if (options.port !== undefined) {
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
      throw new InvalidJobSpecError([`port: must be a whole number from 1 to 65535, got ${String(options.port)}`]);
    }
    if (!runtime.probePort) {
      throw new UnsupportedError(`waiting for a port needs a runtime with probePort(); the ${runtime.name} runtime has none`);
    }
    return { port: options.port };
  }
  return { idleMs: checkDuration('idleMs', options.idleMs ?? 0) };
}

/** The condition of a spec's `ready` (validated at submit). */
export function specCondition(ready: ReadySpec): Condition {
  return 'pattern' in ready
    ? { pattern: compilePattern('ready.pattern', ready.pattern) }
    : 'port' in ready
      ? { port: ready.port }
      : { idleMs: ready.idleMs };
}

/**
 * Resolves when `condition` holds for a running `entry`; never settles once `signal` aborts
 * (the caller races it with the job's end). With `past`, lines still in memory count.
 */
export function until(
  runtime: Runtime,
  entry: Entry,
  condition: Condition,
  signal: AbortSignal,
  past: boolean,
): Promise<{ met: ReadyMet; match?: string }> {
  return new Promise((resolve) => {
    if ('pattern' in condition) {
      const test = (line: string): boolean => {
        const m = condition.pattern.exec(line);
        if (!m) return false;
        entry.lineListeners?.delete(listener);
        resolve({ met: 'pattern', match: line });
        return true;
      };
      const listener = (line: string): void => {
        test(line);
      };
      const fed = entry.spec.ready !== undefined || entry.spec.stdin === 'pipe' || (entry.lineListeners?.size ?? 0) > 0;
      if (past && entry.buffer.totalBytes > 0) {
        const lines = entry.buffer.tail(64 * 1024, 1_000).split('\n');
        // Lines were not split while nobody listened: start from the line being written now.
        if (!fed) entry.lines.seed(lines.at(-1) ?? '');
        for (const line of lines) if (test(line.slice(0, 1_024))) return;
      }
      entry.lineListeners ??= new Set();
      entry.lineListeners.add(listener);
      signal.addEventListener('abort', () => entry.lineListeners?.delete(listener), { once: true });
      return;
    }
    if ('port' in condition) {
      const probe = runtime.probePort?.bind(runtime);
      void (async () => {
        while (!signal.aborted && probe) {
          if (entry.state === 'running' && (await probe(condition.port, PORT_PROBE_TIMEOUT_MS))) {
            if (!signal.aborted) resolve({ met: 'port' });
            return;
          }
          await runtime.sleep(PORT_POLL_MS, signal).catch(() => {});
        }
      })();
      return;
    }
    void (async () => {
      while (!signal.aborted) {
        const left = entry.lastOutputAt + condition.idleMs - runtime.now();
        if (entry.state === 'running' && left <= 0) {
          resolve({ met: 'idle' });
          return;
        }
        // A queued job has no output clock yet: look again later rather than spin.
        await runtime.sleep(entry.state === 'running' ? Math.max(1, left) : Math.max(50, left), signal).catch(() => {});
      }
    })();
  });
}
