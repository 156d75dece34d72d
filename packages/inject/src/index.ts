/** @module @bgtasks/inject: the inject strategy: notices placed in the next tool_result, exactly once, and the wake-up on end_turn. */
export { type Injected, injectNotices, type NoticePlacement } from './inject-notices.ts';
export { injectTools } from './inject-tools.ts';
export {
  NoticeInjector,
  type NoticeInjectorOptions,
  type PreparedRequest,
  type WakeReason,
} from './notice-injector.ts';
