/** A counter inside a fixed time window. */
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
  /** Adds one to a counter whose window starts at its first increment. */
  abstract increment(key: string, windowMs: number): Promise<WindowCount>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
