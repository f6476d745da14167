/** Adds `amount` to a counter whose window opens at its first increment and lasts `windowMs`. */
export interface CounterIncrement {
  key: string;
  amount: number;
  windowMs: number;
}

/** A counter inside its window. */
export interface WindowCount {
  count: number;
  /** Time left in the window, in milliseconds. */
  remainingMs: number;
}

/**
 * Short-lived shared counters: Redis when scaled, in-process on a single node. Keys are
 * logical; each implementation adds the deployment's prefix. Nothing here is the only
 * copy of anything that must survive: rate limits are decided locally and only shared here.
 */
export abstract class Cache {
  /** Applies every increment in one round trip; resolves with each counter's new total and time left. */
  abstract addToCounters(increments: CounterIncrement[]): Promise<WindowCount[]>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
