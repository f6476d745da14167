import { Redis } from 'ioredis';
import { Cache, type CounterIncrement, type WindowCount } from './cache';

export interface RedisCacheOptions {
  url: string;
  /** Prepended to every key, so deployments and test runs sharing a server stay apart. */
  keyPrefix: string;
}

export class RedisCache extends Cache {
  private constructor(private readonly redis: Redis) {
    super();
  }

  static connect({ url, keyPrefix }: RedisCacheOptions): RedisCache {
    // Commands issued while Redis is away fail fast instead of queueing without bound.
    const redis = new Redis(url, { keyPrefix, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    // Connection errors surface on the commands that need Redis; ioredis keeps reconnecting.
    redis.on('error', () => undefined);
    return new RedisCache(redis);
  }

  async addToCounters(increments: CounterIncrement[]): Promise<WindowCount[]> {
    if (increments.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { key, amount, windowMs } of increments) pipeline.incrby(key, amount).pexpire(key, windowMs, 'NX').pttl(key);
    const results = (await pipeline.exec()) ?? [];
    const valueAt = (index: number) => {
      const [error, value] = results[index] ?? [new Error('Redis answered fewer commands than were sent'), null];
      if (error !== null) throw error;
      return Number(value);
    };
    return increments.map(({ windowMs }, position) => {
      const remainingMs = valueAt(position * 3 + 2);
      return { count: valueAt(position * 3), remainingMs: remainingMs > 0 ? remainingMs : windowMs };
    });
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    // QUIT needs a live connection; without one (Redis gone) there is nothing to say goodbye to.
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
