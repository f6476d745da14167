import { Cache, type CounterIncrement, type WindowCount } from './cache';

interface Counter {
  count: number;
  expiresAt: number;
}

export interface MemoryCacheOptions {
  /** Most counters held; past it the oldest are evicted. */
  maxEntries?: number;
  now?: () => number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * The single-node cache, bounded in counters: when full it evicts the oldest first, so a
 * flood of keys costs a few limits their count, never unbounded memory. Expired counters
 * are dropped when read or swept.
 */
export class MemoryCache extends Cache {
  /** In insertion order, so the first counter is the oldest. */
  private readonly counters = new Map<string, Counter>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor({ maxEntries = DEFAULT_MAX_ENTRIES, now = Date.now }: MemoryCacheOptions = {}) {
    super();
    this.maxEntries = maxEntries;
    this.now = now;
  }

  addToCounters(increments: CounterIncrement[]): Promise<WindowCount[]> {
    const now = this.now();
    return Promise.resolve(
      increments.map(({ key, amount, windowMs }) => {
        const held = this.live(key);
        const counter = { count: (held?.count ?? 0) + amount, expiresAt: held?.expiresAt ?? now + windowMs };
        this.store(key, counter);
        return { count: counter.count, remainingMs: counter.expiresAt - now };
      }),
    );
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    this.counters.clear();
    return Promise.resolve();
  }

  /** Holds the counter as the newest, evicting the oldest past the bound. */
  private store(key: string, counter: Counter) {
    this.counters.delete(key);
    this.counters.set(key, counter);
    for (const oldest of this.counters.keys()) {
      if (this.counters.size <= this.maxEntries) break;
      this.counters.delete(oldest);
    }
  }

  private live(key: string): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter !== undefined && counter.expiresAt <= this.now()) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  private sweep() {
    for (const key of this.counters.keys()) this.live(key);
  }
}
