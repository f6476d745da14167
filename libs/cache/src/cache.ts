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
 * Short-lived shared state: Redis when scaled, in-process on a single node. Keys are
 * logical; each implementation adds the deployment's prefix. Nothing here is the only
 * copy of anything that must survive.
 */
export abstract class Cache {
  abstract set(key: string, value: Uint8Array, ttlMs: number): Promise<void>;
  /** Reads and deletes in one step, so that two callers never both get the value. */
  abstract take(key: string): Promise<Uint8Array | null>;
  abstract getMany(keys: string[]): Promise<(Uint8Array | null)[]>;
  abstract delete(keys: string[]): Promise<void>;
  /** Applies every increment in one round trip; resolves with each counter's new total and time left. */
  abstract addToCounters(increments: CounterIncrement[]): Promise<WindowCount[]>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
