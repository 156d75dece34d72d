/**
 * Durations in milliseconds, validated at every boundary. JavaScript timers hold at most
 * 2^31-1 ms (about 24.8 days): a longer delay fires at once, and NaN or a negative value
 * becomes 0, which turns a wait into a hot loop. Every duration an API takes goes through
 * {@link checkDuration}; every sleep waits in chunks of at most {@link MAX_TIMER_MS}.
 */
import { InvalidDurationError } from './errors.ts';

/** Longest delay one JavaScript timer takes: 2^31-1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** What a duration may be besides a positive finite number. */
export interface DurationRules {
  /** `Infinity` means "no limit" (a timeout that never fires). Default false. */
  infinite?: boolean;
  /** 0 is allowed. Default false. */
  zero?: boolean;
}

/**
 * Returns `value` when it is a valid duration in ms for `name`, else throws
 * {@link InvalidDurationError} saying what is valid.
 * @example
 * checkDuration('timeoutMs', 3e9); // 3e9: waited in chunks, not refused
 * checkDuration('wakeTimeoutMs', Infinity, { infinite: true }); // Infinity: wait without limit
 * checkDuration('killGraceMs', Number.NaN); // throws InvalidDurationError
 */
export function checkDuration(name: string, value: unknown, rules: DurationRules = {}): number {
  const valid =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (value > 0 || (rules.zero === true && value === 0)) &&
    (Number.isFinite(value) || rules.infinite === true);
  if (valid) return value;
  const what = [rules.zero ? 'a number of milliseconds, 0 or more' : 'a number of milliseconds greater than 0'];
  if (rules.infinite) what.push('or Infinity for no limit');
  const shown =
    typeof value === 'number' ? String(value) : typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
  throw new InvalidDurationError(name, `${name}: must be ${what.join(' ')}, got ${shown}`);
}
