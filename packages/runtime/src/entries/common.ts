/**
 * What every runtime entry exports alike: nothing here touches a runtime (no spawn, no server),
 * so each entry re-exports it and adds only its own runtime (`createRuntime`, `serve`,
 * `RUNTIME_ENTRY`).
 */
export {
  createDurableStore,
  type DurableStoreOptions,
  defaultStateRoot,
  LOCK_FILE,
  type LocalDurableStore,
} from '../durable-store.ts';
export { hostRuntimeName, hostRuntimeVersion } from '../host.ts';
export { createJobRegistry, type JobRegistryOptions, type ProcStatReader } from '../job-registry.ts';
export type { FetchHandler, HttpServer, ServeOptions } from '../serve.ts';
// The virtual runtime and its clock, the same names as @bgtasks/runtime/testing.
export * from '../testing.ts';
