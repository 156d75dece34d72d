/**
 * The job events of a run, from the executor and its bus (never from tool results): `job_ended`
 * for each job that ends, `job_started` for each job that appears. `runAgent` uses them; a loop of
 * your own (the SDK's tool runner, the AI SDK) can report the same events with them.
 */
import { type Executor, isFinalNotice, type Job } from '@bgtasks/core';
import type { AgentEvent } from './events.ts';

/**
 * Emits `job_ended` for every job that ends from now until `signal` aborts.
 * @example
 * const stop = new AbortController();
 * watchJobs(executor, (event) => console.log(event.type, event.jobId), stop.signal);
 */
export function watchJobs(executor: Executor, emit: (event: AgentEvent) => void, signal: AbortSignal): void {
  // A name of its own: two agents on one executor must each see every event, not split them.
  const consumer = executor.bus.consumer(`bgtasks.agent.events.${crypto.randomUUID()}`, { from: 'now' });
  // Gone with the run, so its undelivered notices do not pin ended jobs in memory.
  signal.addEventListener('abort', () => void consumer.close?.(), { once: true });
  void (async () => {
    for (;;) {
      const n = await consumer.next(signal);
      if (!isFinalNotice(n)) continue;
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

/**
 * A function that returns the executor's jobs it has not returned before (and that did not exist
 * when it was made): the source of `job_started`, whatever submitted the job.
 */
export function newJobsOf(executor: Executor): () => Job[] {
  const seen = new Set(executor.list().map((j) => j.id));
  return () => {
    const fresh = executor.list().filter((j) => !seen.has(j.id));
    for (const j of fresh) seen.add(j.id);
    return fresh;
  };
}
