/** @module @bgtasks/runtime (bun entry, picked by the "bun" export condition; loads Bun.spawn and Bun.serve, never node:child_process) */
import type { Runtime } from '@bgtasks/core';
import { createBunRuntime } from '../bun.ts';

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
export { serveWithBun as serve } from '../serve-bun.ts';
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
export const RUNTIME_ENTRY = 'bun';

/**
 * The runtime of this host, chosen by export conditions.
 * @example
 * const executor = new BackgroundExecutor(createRuntime());
 */
export function createRuntime(): Runtime {
  return createBunRuntime();
}
