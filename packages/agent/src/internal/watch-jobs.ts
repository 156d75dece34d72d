import type { Executor } from '@bgtasks/core';
import type { AgentEvent } from '../events.ts';

/** Emits `job_ended` for every job that ends from now until `signal` aborts. */
export function watchJobs(executor: Executor, emit: (event: AgentEvent) => void, signal: AbortSignal): void {
  // A name of its own: two agents on one executor must each see every event, not split them.
  const consumer = executor.bus.consumer(`bgtasks.agent.events.${crypto.randomUUID()}`, { from: 'now' });
  // Gone with the run, so its undelivered notices do not pin ended jobs in memory.
  signal.addEventListener('abort', () => void consumer.close?.(), { once: true });
  void (async () => {
    for (;;) {
      const n = await consumer.next(signal);
      emit({
        type: 'job_ended',
        at: executor.runtime.now(),
        jobId: n.jobId,
        state: n.state,
        exitCode: n.exitCode,
        durationMs: n.durationMs,
      });
    }
  })().catch(() => {
    // Aborted at the end of the run, or the bus closed.
  });
}
