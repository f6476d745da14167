/** Waits that double from `initialMs` after each failed try, up to `maxMs`. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** The wait before try `attempt + 1`, after `attempt` (from 0) failed ones. */
export function backoffDelay({ initialMs, maxMs }: BackoffPolicy, attempt: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}
