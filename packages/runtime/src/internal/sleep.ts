import { AbortedError, checkDuration, MAX_TIMER_MS } from '@bgtasks/core';

/**
 * setTimeout as a promise that rejects with AbortedError when `signal` aborts, and cleans up.
 * Waits longer than one timer holds (2^31-1 ms) in chunks; `Infinity` waits until aborted;
 * NaN or a negative value rejects with InvalidDurationError instead of firing at once.
 */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    checkDuration('sleep ms', ms, { zero: true, infinite: true });
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal?.aborted) return Promise.reject(new AbortedError());
  return new Promise((resolve, reject) => {
    const until = performance.now() + ms;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const arm = (): void => {
      const left = until - performance.now();
      if (left <= 0 && ms !== Number.POSITIVE_INFINITY) {
        signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      timer = setTimeout(arm, Math.min(Math.max(0, left), MAX_TIMER_MS));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (ms === 0) timer = setTimeout(arm, 0);
    else arm();
  });
}
