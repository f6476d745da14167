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
    const cache = new MemoryCache({ now: () => now });
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

  it('evicts the oldest entries once it holds its most entries', async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.set('a', value, 1_000);
    await cache.set('b', value, 1_000);
    await cache.set('a', value, 1_000);
    await cache.set('c', value, 1_000);
    expect(await cache.getMany(['a', 'b', 'c'])).toEqual([value, null, value]);
    await cache.close();
  });

  it('evicts the oldest entries once it holds its most bytes, counting keys and values', async () => {
    const big = new Uint8Array(100);
    const cache = new MemoryCache({ maxBytes: 250 });
    await cache.set('a', big, 1_000);
    await cache.set('b', big, 1_000);
    expect(await cache.getMany(['a', 'b'])).toEqual([big, big]);
    await cache.set('c', big, 1_000);
    expect(await cache.getMany(['a', 'b', 'c'])).toEqual([null, big, big]);
    await cache.delete(['b']);
    await cache.set('d', big, 1_000);
    expect(await cache.getMany(['c', 'd'])).toEqual([big, big]);
    await cache.close();
  });

  it('keeps counting within the bounds, so a flood of keys cannot grow it', async () => {
    const cache = new MemoryCache({ maxEntries: 10 });
    const increment = async (key: string) => (await cache.addToCounters([{ key, amount: 1, windowMs: 1_000 }]))[0];
    for (let index = 0; index < 1_000; index += 1) await increment(`counter:${index}`);
    expect(await increment('counter:999')).toMatchObject({ count: 2 });
    expect(await increment('counter:0')).toMatchObject({ count: 1 });
    await cache.close();
  });
});

describe(RateLimiter.name, () => {
  it('allows the limit per window and says when to retry', async () => {
    let now = 0;
    const limiter = new RateLimiter(new MemoryCache({ now: () => now }), new RateLimitMetrics(), { now: () => now });
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
