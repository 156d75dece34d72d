/**
 * Readiness: when a running job counts as ready (an output line matches a pattern, a process
 * of the job listens on a port, the output has been idle), for `waitFor` and for a spec's `ready`.
 */
import { checkDuration } from '../duration.ts';
import { InvalidJobSpecError, UnsupportedError } from '../errors.ts';
import type { ReadyMet, ReadySpec } from '../job.ts';
import { compilePattern } from '../job-watch.ts';
import { checkJobPort } from '../port-readiness.ts';
import type { Runtime } from '../runtime.ts';
import type { SafePattern } from '../safe-pattern.ts';
import type { Entry } from './job-entry.ts';

/** How often a port is probed while waiting for it. */
const PORT_POLL_MS = 100;
/** How long one probe waits for a connection. */
const PORT_PROBE_TIMEOUT_MS = 1_000;

/** A readiness condition, validated. */
export type Condition = { pattern: SafePattern } | { port: number } | { idleMs: number };

/** What held: the matched line by pattern; by port, whether the listener's owner was unknown. */
export type ReadyHit = { met: ReadyMet; match?: string; portOwner?: 'unknown' };

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
): Promise<ReadyHit> {
  return new Promise((resolve) => {
    if ('pattern' in condition) {
      const test = (line: string): boolean => {
        if (!condition.pattern.test(line)) return false;
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
        // (tail() drops a final newline: a complete last line must not be seeded as partial.)
        const complete = entry.buffer.read({ offset: entry.buffer.totalBytes - 1, limit: 1 }).text === '\n';
        if (!fed) entry.lines.seed(complete ? '' : (lines.at(-1) ?? ''));
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
          const found =
            entry.state === 'running' ? await checkJobPort(entry.child, condition.port, probe, PORT_PROBE_TIMEOUT_MS) : 'no';
          if (found !== 'no') {
            if (!signal.aborted) resolve({ met: 'port', ...(found === 'unverified' ? { portOwner: 'unknown' as const } : {}) });
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
