import { Broker, NatsBroker } from '@coming/broker';
import { Cache, RedisCache } from '@coming/cache';
import { openDatabase } from '@coming/database';
import { createLogger, type Logger } from '@coming/logging';
import type { Kysely } from 'kysely';
import type { InfrastructureConfig } from './infrastructure.config';

/** The backends a service runs on, opened once per process and handed to its module. */
export interface Infrastructure {
  db: Kysely<unknown>;
  cache: Cache;
  broker: Broker;
  logger: Logger;
  serviceToken: string;
}

/** Connects a scaled service to PostgreSQL, Redis and NATS. */
export async function connectInfrastructure(service: string, config: InfrastructureConfig): Promise<Infrastructure> {
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const db = await openDatabase({ kind: 'postgres', url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  const cache = RedisCache.connect({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
  const broker = await NatsBroker.connect({ url: config.NATS_URL, subjectPrefix: config.NATS_SUBJECT_PREFIX, name: service });
  return { db, cache, broker, logger, serviceToken: config.SERVICE_TOKEN };
}

export async function closeInfrastructure({ db, cache, broker }: Infrastructure): Promise<void> {
  await Promise.allSettled([broker.close(), cache.close(), db.destroy()]);
}
