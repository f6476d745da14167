// Rate-limit decisions per second on the local Redis: decided in process and synchronised
// in batches (RateLimiter), against one Redis round trip per decision (the previous design).
// Run with `node -r ./tools/register.cjs libs/cache/bench/rate-limiter.bench.ts`.
// Figures, not assertions: the machine may be shared.
import { randomBytes } from 'node:crypto';
import { RateLimiter } from '../src/rate-limiter';
import { RateLimitMetrics } from '../src/rate-limit.metrics';
import { RedisCache } from '../src/redis-cache';

const DECISIONS = 20_000;
const SUBJECTS = 1_000;
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const limit = { name: 'bench', limit: 1_000_000, windowMs: 60_000 };

async function perSecond(run: (index: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < DECISIONS; index++) await run(index);
  return (DECISIONS * 1000) / (performance.now() - started);
}

async function main() {
  const cache = RedisCache.connect({ url: REDIS_URL, keyPrefix: `bench:${randomBytes(4).toString('hex')}:` });
  while (
    !(await cache.ping().then(
      () => true,
      () => false,
    ))
  )
    await new Promise((resolve) => setTimeout(resolve, 50));
  const limiter = new RateLimiter(cache, new RateLimitMetrics());

  const batched = await perSecond((index) => limiter.consume(limit, `subject-${index % SUBJECTS}`));
  await limiter.sync();
  const roundTrip = await perSecond((index) =>
    cache.addToCounters([{ key: `rate:bench-round-trip:subject-${index % SUBJECTS}`, amount: 1, windowMs: limit.windowMs }]),
  );
  console.log(`${DECISIONS} decisions over ${SUBJECTS} subjects`);
  console.log(`  in process, synchronised every 100 ms: ${Math.round(batched).toLocaleString('en')} decisions/s`);
  console.log(`  one Redis round trip per decision:      ${Math.round(roundTrip).toLocaleString('en')} decisions/s`);
  limiter.close();
  await cache.close();
}

void main();
