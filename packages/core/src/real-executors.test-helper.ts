// Executors on the host's real runtime for the tests of real processes: each one is closed
// (100 ms grace) after the test that made it.
import { createRuntime } from '@bgtasks/runtime';
import { afterEach } from 'vitest';
import { BackgroundExecutor, type ExecutorOptions } from './executor.ts';

/**
 * Registers the after-test close; `make` builds an executor on the real runtime (kill grace
 * 300 ms unless `options` say), `track` closes one built otherwise.
 */
export function realExecutors(): {
  make: (options?: ExecutorOptions) => BackgroundExecutor;
  track: (executor: BackgroundExecutor) => BackgroundExecutor;
} {
  const executors: BackgroundExecutor[] = [];
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.close({ killGraceMs: 100 })));
  });
  const track = (executor: BackgroundExecutor): BackgroundExecutor => {
    executors.push(executor);
    return executor;
  };
  return { make: (options = {}) => track(new BackgroundExecutor(createRuntime(), { killGraceMs: 300, ...options })), track };
}
