/** @module @bgtasks/runtime (deno entry, picked by the "deno" export condition; loads Deno.Command and Deno.serve, never node:child_process) */
import type { Runtime } from '@bgtasks/core';
import { createDenoRuntime } from '../deno.ts';

export {
  createDurableStore,
  type DurableStoreOptions,
  defaultStateRoot,
  LOCK_FILE,
  type LocalDurableStore,
} from '../durable-store.ts';
export { hostRuntimeName } from '../host.ts';
export { createJobRegistry, type JobRegistryOptions, type ProcStatReader } from '../job-registry.ts';
export type { FetchHandler, HttpServer, ServeOptions } from '../serve.ts';
export { serveWithDeno as serve } from '../serve-deno.ts';
export {
  createVirtualRuntime,
  defaultScript,
  type ProcessScript,
  type ScriptedProcess,
  VirtualClock,
  type VirtualClockOptions,
  type VirtualRuntime,
  type VirtualRuntimeOptions,
} from '../virtual.ts';

/** Which entry file the export conditions resolved to. */
export const RUNTIME_ENTRY = 'deno';

/**
 * The runtime of this host, chosen by export conditions.
 * @example
 * const executor = new BackgroundExecutor(createRuntime());
 */
export function createRuntime(): Runtime {
  return createDenoRuntime();
}
