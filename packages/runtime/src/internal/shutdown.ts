import type { ShutdownHook } from '@bgtasks/core';

/** Most time the host waits for async shutdown hooks before it exits anyway. */
export const SHUTDOWN_HOOK_TIMEOUT_MS = 3_000;

/** Signals that end the host after the hooks ran (SIGHUP: its terminal went away). */
export type HostSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** Exit codes by signal, as a shell reports a process killed by it (128 + number). */
const EXIT_CODES: Record<HostSignal, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** The host-specific part: listen for signals and exit, and stop listening. */
export interface ShutdownHost {
  install(onSignal: (signal: HostSignal) => void, onExit: () => void): void;
  uninstall(): void;
  exit(code: number): void;
}

/**
 * Shutdown hooks shared by one host. Signal listeners are installed only while a hook is
 * registered, so a process with no live executor keeps its default signal behaviour. On the
 * first signal the hooks run (bounded by {@link SHUTDOWN_HOOK_TIMEOUT_MS}), then the host
 * exits; a second signal meanwhile runs every hook with `force` and exits at once.
 */
export class ShutdownHooks {
  readonly #host: ShutdownHost;
  readonly #hooks = new Set<ShutdownHook>();
  #running = false;

  constructor(host: ShutdownHost) {
    this.#host = host;
  }

  add(fn: ShutdownHook): () => void {
    if (this.#hooks.size === 0) {
      this.#host.install(
        (signal) => void this.#onSignal(signal),
        () => this.#onExit(),
      );
    }
    this.#hooks.add(fn);
    return () => {
      if (!this.#hooks.delete(fn)) return;
      if (this.#hooks.size === 0 && !this.#running) this.#host.uninstall();
    };
  }

  async #onSignal(signal: HostSignal): Promise<void> {
    if (this.#running) {
      // A second signal during shutdown: the user will not wait. Every hook kills what it owns
      // with SIGKILL, synchronously, and the host exits now.
      for (const h of [...this.#hooks]) {
        try {
          void Promise.resolve(h('force')).catch(() => {});
        } catch {
          // exiting anyway
        }
      }
      this.#host.exit(EXIT_CODES[signal]);
      return;
    }
    this.#running = true;
    const hooks = [...this.#hooks];
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled(hooks.map(async (h) => h(signal))),
      new Promise((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_HOOK_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    this.#host.exit(EXIT_CODES[signal]);
  }

  #onExit(): void {
    for (const h of [...this.#hooks]) {
      try {
        void h('exit');
      } catch {
        // exiting anyway
      }
    }
  }
}
