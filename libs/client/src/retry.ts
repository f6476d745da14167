import { setTimeout as sleep } from 'node:timers/promises';

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 3_000;

/** Exponential backoff with full jitter, so reconnecting clients do not arrive in lockstep. */
export function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return sleep(Math.random() * ceiling);
}
