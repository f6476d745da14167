import { Cache, type CounterIncrement, type WindowCount } from './cache';

interface Entry {
  value: Uint8Array | number;
  expiresAt: number;
}

/** The single-node cache. Expired entries are dropped when read or swept. */
export class MemoryCache extends Cache {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  set(key: string, value: Uint8Array, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return Promise.resolve();
  }

  take(key: string): Promise<Uint8Array | null> {
    const value = this.bytes(key);
    this.entries.delete(key);
    return Promise.resolve(value);
  }

  getMany(keys: string[]): Promise<(Uint8Array | null)[]> {
    return Promise.resolve(keys.map((key) => this.bytes(key)));
  }

  delete(keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
    return Promise.resolve();
  }

  addToCounters(increments: CounterIncrement[]): Promise<WindowCount[]> {
    const now = this.now();
    return Promise.resolve(
      increments.map(({ key, amount, windowMs }) => {
        const entry = this.live(key);
        const count = (typeof entry?.value === 'number' ? entry.value : 0) + amount;
        const expiresAt = entry?.expiresAt ?? now + windowMs;
        this.entries.set(key, { value: count, expiresAt });
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
    return Promise.resolve();
  }

  private bytes(key: string): Uint8Array | null {
    const value = this.live(key)?.value;
    return value instanceof Uint8Array ? value : null;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep() {
    for (const key of this.entries.keys()) this.live(key);
  }
}
