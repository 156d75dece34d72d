/** @module @bgtasks/runtime (node entry, picked by the "node" export condition; loads node:child_process and node:http, no Bun or Deno code) */
import type { Runtime } from '@bgtasks/core';
import { createNodeRuntime } from '../node.ts';

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
export { serveWithNode as serve } from '../serve-node.ts';
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
export const RUNTIME_ENTRY = 'node';

/**
 * The runtime of this host, chosen by export conditions.
 * @example
 * const executor = new BackgroundExecutor(createRuntime());
 */
export function createRuntime(): Runtime {
  return createNodeRuntime();
}
