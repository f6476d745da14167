import { describe, expect, it } from 'vitest';
import { MemoryCache } from './memory-cache';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RateLimiter } from './rate-limiter';

describe(MemoryCache.name, () => {
  const value = new Uint8Array([1, 2, 3]);

  it('hands a value to one taker only', async () => {
    const cache = new MemoryCache();
    await cache.set('k', value, 1_000);
    expect(await cache.take('k')).toEqual(value);
    expect(await cache.take('k')).toBeNull();
    await cache.close();
  });

  it('forgets values and counters when their time is up', async () => {
    let now = 0;
    const cache = new MemoryCache(() => now);
    await cache.set('k', value, 100);
    expect(await cache.getMany(['k', 'missing'])).toEqual([value, null]);
    expect(await cache.addToCounters([{ key: 'counter', amount: 2, windowMs: 100 }])).toEqual([{ count: 2, remainingMs: 100 }]);
    now = 60;
    expect(await cache.addToCounters([{ key: 'counter', amount: 3, windowMs: 100 }])).toEqual([{ count: 5, remainingMs: 40 }]);
    now = 100;
    expect(await cache.getMany(['k'])).toEqual([null]);
    expect(await cache.addToCounters([{ key: 'counter', amount: 1, windowMs: 100 }])).toEqual([{ count: 1, remainingMs: 100 }]);
    await cache.close();
  });
});

describe(RateLimiter.name, () => {
  it('allows the limit per window and says when to retry', async () => {
    let now = 0;
    const limiter = new RateLimiter(new MemoryCache(() => now), new RateLimitMetrics(), { now: () => now });
    const limit = { name: 'test', limit: 2, windowMs: 1_000 };
    expect(await limiter.consume(limit, 'a')).toEqual({ allowed: true });
    expect(await limiter.consume(limit, 'a')).toEqual({ allowed: true });
    now = 250;
    expect(await limiter.consume(limit, 'a')).toEqual({ allowed: false, retryAfterMs: 750 });
    expect(await limiter.consume(limit, 'b')).toEqual({ allowed: true });
    now = 1_000;
    expect(await limiter.consume(limit, 'a')).toEqual({ allowed: true });
    limiter.close();
  });
});
