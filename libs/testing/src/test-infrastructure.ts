import { NatsBroker } from '@coming/broker';
import { RedisCache } from '@coming/cache';
import { openDatabase } from '@coming/database';
import { createLogger } from '@coming/logging';
import { closeInfrastructure, type Infrastructure } from '@coming/runtime';
import { randomBytes } from 'node:crypto';
import { createTestBackends, NATS_URL, REDIS_URL, type TestBackends } from './test-backends';

export interface TestInfrastructure extends Infrastructure {
  backends: TestBackends;
  release(): Promise<void>;
}

/** Real PostgreSQL, Redis and NATS connections for services started inside a test. */
export async function createTestInfrastructure(label: string): Promise<TestInfrastructure> {
  const backends = await createTestBackends(label);
  const serviceToken = randomBytes(32).toString('base64url');
  const infrastructure: Infrastructure = {
    db: await openDatabase({ kind: 'postgres', url: backends.databaseUrl, poolSize: 5 }),
    cache: RedisCache.connect({ url: REDIS_URL, keyPrefix: backends.redisKeyPrefix }),
    broker: await NatsBroker.connect({ url: NATS_URL, subjectPrefix: backends.natsSubjectPrefix, name: label }),
    logger: createLogger({ service: label, level: 'silent' }),
    serviceToken,
    // Tests call the services as the gateway does.
    grpcCallers: { gateway: serviceToken },
  };
  return {
    ...infrastructure,
    backends,
    release: async () => {
      await closeInfrastructure(infrastructure);
      await backends.release();
    },
  };
}
