import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RateLimit, RateLimiter } from '../src/rate-limiter';
import { RateLimitMetrics } from '../src/rate-limit.metrics';
import { RedisCache } from '../src/redis-cache';

const limit: RateLimit = { name: 'test', limit: 5, windowMs: 3_600_000 };
// The timer never fires during a test: each one synchronises when it means to.
const MANUAL = { syncIntervalMs: 3_600_000 };

// libs/testing builds on this library, so this test names its own key prefix and port.
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const KEY_PREFIX = `test:rate-limiter_${randomBytes(4).toString('hex')}:`;

const connected = async (url: string, keyPrefix: string) => {
  const cache = RedisCache.connect({ url, keyPrefix });
  await vi.waitFor(() => cache.ping(), { timeout: 60_000, interval: 50 });
  return cache;
};

/** A loopback port the kernel has just handed out, for a Redis server of the test's own. */
async function loopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const consumeTimes = async (limiter: RateLimiter, subject: string, times: number) => {
  const decisions = [];
  for (let attempt = 0; attempt < times; attempt += 1) decisions.push((await limiter.consume(limit, subject)).allowed);
  return decisions;
};

describe(RateLimiter.name, () => {
  let cache: RedisCache;

  beforeAll(async () => {
    cache = await connected(REDIS_URL, KEY_PREFIX);
  });

  // Adding nothing reads a counter back.
  const sharedTotal = async (subject: string) =>
    (await cache.addToCounters([{ key: `rate:test:${subject}`, amount: 0, windowMs: limit.windowMs }]))[0]?.count;

  afterAll(async () => {
    // The counters expire with their window; nothing else is left under the prefix.
    await cache.close();
  });

  it('shares one limit between replicas through Redis', async () => {
    const first = new RateLimiter(cache, new RateLimitMetrics(), MANUAL);
    const second = new RateLimiter(cache, new RateLimitMetrics(), MANUAL);
    expect(await consumeTimes(first, 'shared', 3)).toEqual([true, true, true]);
    await first.sync();
    // The second replica learns the first one's grants when it pushes its own.
    expect(await consumeTimes(second, 'shared', 1)).toEqual([true]);
    await second.sync();
    expect(await consumeTimes(second, 'shared', 2)).toEqual([true, false]);
    await second.sync();
    // Until it synchronises, the first replica has not seen the second's grants: the
    // overshoot that batching costs, at most one interval's grants per replica.
    expect(await consumeTimes(first, 'shared', 1)).toEqual([true]);
    await first.sync();
    expect(await consumeTimes(first, 'shared', 1)).toEqual([false]);
    expect(await sharedTotal('shared')).toBe(limit.limit + 1);
    [first, second].forEach((limiter) => limiter.close());
  });

  it('pushes a batch of grants with one increment per key', async () => {
    const limiter = new RateLimiter(cache, new RateLimitMetrics(), MANUAL);
    await consumeTimes(limiter, 'batched', 4);
    await limiter.sync();
    expect(await sharedTotal('batched')).toBe(4);
    limiter.close();
  });

  it('does not count refused requests, so a flood does not extend the wait', async () => {
    const limiter = new RateLimiter(cache, new RateLimitMetrics(), MANUAL);
    await consumeTimes(limiter, 'flood', 50);
    await limiter.sync();
    expect(await sharedTotal('flood')).toBe(limit.limit);
    limiter.close();
  });

  describe('with its own Redis server, stopped mid-way', () => {
    let redis: ChildProcess;
    let url: string;

    beforeAll(async () => {
      const port = await loopbackPort();
      url = `redis://127.0.0.1:${port}`;
      redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      redis.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      while (!output.includes('Ready to accept connections')) await once(redis.stdout ?? redis, 'data');
    });

    afterAll(() => {
      if (redis.exitCode === null) redis.kill('SIGKILL');
    });

    it('keeps deciding locally, without errors and without failing open', async () => {
      const ownCache = await connected(url, 'limits:');
      const limiter = new RateLimiter(ownCache, new RateLimitMetrics(), MANUAL);
      expect(await consumeTimes(limiter, 'outage', 2)).toEqual([true, true]);
      await limiter.sync();

      redis.kill('SIGKILL');
      await once(redis, 'exit');
      expect(await consumeTimes(limiter, 'outage', 4)).toEqual([true, true, true, false]);
      await expect(limiter.sync()).resolves.toBeUndefined();
      expect(await consumeTimes(limiter, 'outage', 1)).toEqual([false]);
      expect(await consumeTimes(limiter, 'other-subject', 1)).toEqual([true]);
      limiter.close();
      await ownCache.close();
    });
  });
});
