import { Broker, NatsBroker } from '@coming/broker';
import { Cache, RedisCache } from '@coming/cache';
import { openDatabase } from '@coming/database';
import type { GrpcTls } from '@coming/grpc';
import { createLogger, type Logger } from '@coming/logging';
import type { Kysely } from 'kysely';
import type { InfrastructureConfig } from './infrastructure.config';

/** The backends a service runs on, opened once per process and handed to its module. */
export interface Infrastructure {
  db: Kysely<unknown>;
  cache: Cache;
  broker: Broker;
  logger: Logger;
  /** This process's own gRPC token, presented on the calls it makes. */
  serviceToken: string;
  /** The tokens of the services allowed to call the gRPC services this process serves, by caller name. */
  grpcCallers: Readonly<Record<string, string>>;
  /** Mutual TLS for gRPC servers and clients; plaintext when unset. */
  grpcTls?: GrpcTls | undefined;
}

/** Connects a scaled service to PostgreSQL, Redis and NATS with its own credentials. */
export async function connectInfrastructure(
  service: string,
  config: InfrastructureConfig,
  grpcCallers: Readonly<Record<string, string>>,
): Promise<Infrastructure> {
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  const db = await openDatabase({
    kind: 'postgres',
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    onIdleConnectionError: (error) => logger.warn({ err: error }, 'PostgreSQL dropped an idle connection; reconnecting on demand'),
  });
  const cache = RedisCache.connect({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX });
  const broker = await NatsBroker.connect({
    url: config.NATS_URL,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    name: service,
    credentials: config.NATS_USER === undefined ? undefined : { user: config.NATS_USER, password: config.NATS_PASSWORD ?? '' },
    tls:
      config.NATS_TLS_CA === undefined && config.NATS_TLS_CERT === undefined
        ? undefined
        : { caFile: config.NATS_TLS_CA, certFile: config.NATS_TLS_CERT, keyFile: config.NATS_TLS_KEY },
  });
  const grpcTls =
    config.GRPC_TLS_CA === undefined || config.GRPC_TLS_CERT === undefined || config.GRPC_TLS_KEY === undefined
      ? undefined
      : {
          caFile: config.GRPC_TLS_CA,
          certFile: config.GRPC_TLS_CERT,
          keyFile: config.GRPC_TLS_KEY,
          serverName: config.GRPC_TLS_SERVER_NAME,
        };
  return { db, cache, broker, logger, serviceToken: config.GRPC_TOKEN, grpcCallers, grpcTls };
}

export async function closeInfrastructure({ db, cache, broker }: Infrastructure): Promise<void> {
  await Promise.allSettled([broker.close(), cache.close(), db.destroy()]);
}
