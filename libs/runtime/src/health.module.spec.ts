import { MemoryBroker } from '@coming/broker';
import { MemoryCache, RedisCache } from '@coming/cache';
import { openDatabase } from '@coming/database';
import { ServiceUnavailableException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { DependencyChecks, HealthController, ShutdownState } from './health.module';

describe(HealthController.name, () => {
  it('is ready while its backends answer, and not once shutdown has begun', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    const shutdown = new ShutdownState();
    const health = new HealthController(new DependencyChecks(db, new MemoryCache(), new MemoryBroker()), shutdown);
    await expect(health.ready()).resolves.toEqual({ status: 'ready' });

    shutdown.beforeApplicationShutdown();
    await expect(health.ready()).rejects.toBeInstanceOf(ServiceUnavailableException);
    expect(health.live()).toEqual({ status: 'ok' });

    await db.destroy();
  });

  it('names the backend that does not answer', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    // Nothing listens on port 1: a real client with nobody to talk to.
    const cache = RedisCache.connect({ url: 'redis://127.0.0.1:1', keyPrefix: 'health-test:' });
    const health = new HealthController(new DependencyChecks(db, cache, new MemoryBroker()), new ShutdownState());
    await expect(health.ready()).rejects.toMatchObject({ response: { status: 'unavailable', unreachable: ['cache'] } });
    await Promise.allSettled([cache.close(), db.destroy()]);
  });
});
