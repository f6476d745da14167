import { dropDatabase, ensureDatabase } from '@coming/database';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const POSTGRES_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const NATS_URL = process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/**
 * A test file's own slice of the shared PostgreSQL, Redis and NATS: a fresh database,
 * a Redis key prefix and a NATS subject prefix that no other test file uses.
 */
export interface TestBackends {
  databaseUrl: string;
  redisKeyPrefix: string;
  natsSubjectPrefix: string;
  /** Drops the database and deletes the Redis keys under the prefix. */
  release(): Promise<void>;
}

export async function createTestBackends(label: string): Promise<TestBackends> {
  const id = `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = `${POSTGRES_URL}/coming_test_${id}`;
  await ensureDatabase(databaseUrl);
  const redisKeyPrefix = `test:${id}:`;
  return {
    databaseUrl,
    redisKeyPrefix,
    natsSubjectPrefix: `test.${id}`,
    release: async () => {
      await dropDatabase(databaseUrl);
      await deleteKeys(redisKeyPrefix);
    },
  };
}

/** Every Redis key under a prefix, with its value, for tests that inspect what is cached. */
export async function redisEntries(prefix: string): Promise<Map<string, Buffer>> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    const entries = new Map<string, Buffer>();
    for (const key of keys) {
      const type = await redis.type(key);
      entries.set(key, type === 'string' ? ((await redis.getBuffer(key)) ?? Buffer.alloc(0)) : Buffer.from(type));
    }
    return entries;
  } finally {
    redis.disconnect();
  }
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
