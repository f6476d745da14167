import { dropDatabase, ensureDatabase } from '@coming/database';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Client } from 'pg';

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
      await sessionsGone(databaseUrl);
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

/**
 * Waits (for a while) until no session is connected to the database. A closed pool resolves
 * before its connections are gone, and a forced drop under them makes each report an error
 * that fails the test run; the drop forces out whatever is left after the wait.
 */
async function sessionsGone(databaseUrl: string): Promise<void> {
  const maintenance = new URL(databaseUrl);
  const name = decodeURIComponent(maintenance.pathname.slice(1));
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ count: string }>('select count(*) from pg_stat_activity where datname = $1', [name]);
      if (Number(rows[0]?.count) === 0) return;
      await sleep(50);
    }
  } finally {
    await client.end();
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
