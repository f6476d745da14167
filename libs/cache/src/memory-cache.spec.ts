import { describe, expect, it } from 'vitest';
import { MemoryCache } from './memory-cache';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RateLimiter } from './rate-limiter';

describe(MemoryCache.name, () => {
  it('forgets counters when their window is up', async () => {
    let now = 0;
    const cache = new MemoryCache({ now: () => now });
    expect(await cache.addToCounters([{ key: 'counter', amount: 2, windowMs: 100 }])).toEqual([{ count: 2, remainingMs: 100 }]);
    now = 60;
    expect(await cache.addToCounters([{ key: 'counter', amount: 3, windowMs: 100 }])).toEqual([{ count: 5, remainingMs: 40 }]);
    now = 100;
    expect(await cache.addToCounters([{ key: 'counter', amount: 1, windowMs: 100 }])).toEqual([{ count: 1, remainingMs: 100 }]);
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
