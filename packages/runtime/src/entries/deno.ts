/** @module @bgtasks/runtime (deno entry, picked by the "deno" export condition) */
import type { Runtime } from '@bgtasks/core';
import { createDenoRuntime } from '../deno.ts';

export { createBunRuntime } from '../bun.ts';
export { createDenoRuntime } from '../deno.ts';
export { hostRuntimeName } from '../host.ts';
export { createJobRegistry, type JobRegistryOptions, processStartTime } from '../job-registry.ts';
export { createNodeRuntime, spawnWithChildProcess } from '../node.ts';
export { type FetchHandler, type HttpServer, type ServeOptions, serveWithDeno as serve } from '../serve.ts';
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
