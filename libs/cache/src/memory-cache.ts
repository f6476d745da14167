import { Cache, type CounterIncrement, type WindowCount } from './cache';

interface Entry {
  value: Uint8Array | number;
  expiresAt: number;
  /** What the entry counts against the byte bound: its key and its value. */
  bytes: number;
}

export interface MemoryCacheOptions {
  /** Most entries held; past it the oldest are evicted. */
  maxEntries?: number;
  /** Most bytes of keys and values held; past it the oldest are evicted. */
  maxBytes?: number;
  now?: () => number;
}

const DEFAULT_MAX_ENTRIES = 100_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** A counter's value, as the byte bound sees it. */
const NUMBER_BYTES = 8;

/**
 * The single-node cache, bounded by entries and bytes: when full it evicts the oldest
 * entries first, which a cache may always lose. Expired entries are dropped when read or swept.
 */
export class MemoryCache extends Cache {
  /** In insertion order, so the first entry is the oldest. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor({ maxEntries = DEFAULT_MAX_ENTRIES, maxBytes = DEFAULT_MAX_BYTES, now = Date.now }: MemoryCacheOptions = {}) {
    super();
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.now = now;
  }

  set(key: string, value: Uint8Array, ttlMs: number): Promise<void> {
    this.store(key, value, this.now() + ttlMs);
    return Promise.resolve();
  }

  take(key: string): Promise<Uint8Array | null> {
    const value = this.bytesOf(key);
    this.remove(key);
    return Promise.resolve(value);
  }

  getMany(keys: string[]): Promise<(Uint8Array | null)[]> {
    return Promise.resolve(keys.map((key) => this.bytesOf(key)));
  }

  delete(keys: string[]): Promise<void> {
    for (const key of keys) this.remove(key);
    return Promise.resolve();
  }

  addToCounters(increments: CounterIncrement[]): Promise<WindowCount[]> {
    const now = this.now();
    return Promise.resolve(
      increments.map(({ key, amount, windowMs }) => {
        const entry = this.live(key);
        const count = (typeof entry?.value === 'number' ? entry.value : 0) + amount;
        const expiresAt = entry?.expiresAt ?? now + windowMs;
        this.store(key, count, expiresAt);
        return { count, remainingMs: expiresAt - now };
      }),
    );
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
    this.bytes = 0;
    return Promise.resolve();
  }

  /** Holds the entry as the newest, evicting the oldest until both bounds hold. */
  private store(key: string, value: Uint8Array | number, expiresAt: number) {
    this.remove(key);
    const bytes = key.length + (typeof value === 'number' ? NUMBER_BYTES : value.byteLength);
    this.entries.set(key, { value, expiresAt, bytes });
    this.bytes += bytes;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  private remove(key: string) {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  private bytesOf(key: string): Uint8Array | null {
    const value = this.live(key)?.value;
    return value instanceof Uint8Array ? value : null;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt <= this.now()) {
      this.remove(key);
      return undefined;
    }
    return entry;
  }

  private sweep() {
    for (const key of this.entries.keys()) this.live(key);
  }
}
