/** @module @bgtasks/runtime/testing: test doubles for your own agents (virtual clock and processes). */
export {
  createVirtualRuntime,
  defaultScript,
  type ProcessScript,
  type ScriptedProcess,
  VirtualClock,
  type VirtualClockOptions,
  type VirtualRuntime,
  type VirtualRuntimeOptions,
} from './virtual.ts';
