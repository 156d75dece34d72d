/**
 * Readiness by port means a listener of the job's own: a dev server that found its port taken and
 * exited 1 must not be announced ready because another process listens there. Where the runtime
 * can tell who holds a listening socket (`Child.listensOn`, Linux `/proc`), only the job's own
 * counts; elsewhere a connect probe decides and the answer says the owner was not checked.
 */
import type { Child, Runtime } from './runtime.ts';

/** `owned`: a process of the job listens; `unverified`: the port accepts, owner unknown; `no`: not ready. */
export type PortCheck = 'owned' | 'unverified' | 'no';

/** Whether `port` counts as the running job's listener now (see {@link PortCheck}). */
export async function checkJobPort(
  child: Child | undefined,
  port: number,
  probe: Runtime['probePort'],
  probeTimeoutMs: number,
): Promise<PortCheck> {
  if (child?.listensOn) return (await child.listensOn(port)) ? 'owned' : 'no';
  return probe && (await probe(port, probeTimeoutMs)) ? 'unverified' : 'no';
}
