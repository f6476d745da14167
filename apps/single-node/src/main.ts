import '@coming/telemetry/register';
import 'reflect-metadata';
import { publicKeyOf } from '@coming/access-token';
import { authConfigSchema, startAuth } from '@coming/auth-service';
import { MemoryBroker } from '@coming/broker';
import { MemoryCache } from '@coming/cache';
import { loadConfig } from '@coming/config';
import { openDatabase } from '@coming/database';
import { gatewayConfigSchema, startGateway } from '@coming/gateway-service';
import { keysConfigSchema, startKeys } from '@coming/keys-service';
import { createLogger } from '@coming/logging';
import { mailboxConfigSchema, startMailbox } from '@coming/mailbox-service';
import { paymentsConfigSchema, startPayments } from '@coming/payments-service';
import { runUntilSignal } from '@coming/runtime';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadOrCreateSigningKey } from './signing-key-file';
import { type SingleNodeConfig, singleNodeConfigSchema } from './single-node.config';

/**
 * Every service in one process: PGlite instead of PostgreSQL, and in-process broker and
 * cache behind the same interfaces as NATS and Redis. Services still talk gRPC, on loopback.
 */
async function main(config: SingleNodeConfig) {
  const dataDir = resolve(config.COMING_DATA_DIR);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const logger = createLogger({ service: 'coming', level: config.LOG_LEVEL });
  const infrastructure = {
    db: await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pgdata') }),
    cache: new MemoryCache(),
    broker: new MemoryBroker(),
    logger,
    // Nothing outside this process calls its gRPC ports, so a per-run secret is enough.
    serviceToken: randomBytes(32).toString('base64url'),
  };
  const signingKey = await loadOrCreateSigningKey(dataDir);
  const port = (offset: number) => `127.0.0.1:${config.COMING_INTERNAL_PORT_BASE + offset}`;

  const audience = config.AUTH_AUDIENCE === undefined ? {} : { AUTH_AUDIENCE: config.AUTH_AUDIENCE };
  const auth = await startAuth(
    loadConfig(authConfigSchema, { AUTH_GRPC_URL: port(0), AUTH_SIGNING_KEY: signingKey, ...audience }),
    infrastructure,
  );
  const mailbox = await startMailbox(loadConfig(mailboxConfigSchema, { MAILBOX_GRPC_URL: port(1) }), infrastructure);
  const keys = await startKeys(loadConfig(keysConfigSchema, { KEYS_GRPC_URL: port(2) }), infrastructure);
  const payments = await startPayments(loadConfig(paymentsConfigSchema, {}), infrastructure);
  const gateway = await startGateway(
    loadConfig(gatewayConfigSchema, {
      GATEWAY_PORT: String(config.PORT),
      GATEWAY_HOST: config.HOST,
      AUTH_PUBLIC_KEY: publicKeyOf(signingKey),
      ...audience,
      AUTH_GRPC_TARGET: port(0),
      MAILBOX_GRPC_TARGET: port(1),
      KEYS_GRPC_TARGET: port(2),
    }),
    infrastructure,
  );
  logger.info({ url: `ws://${config.HOST}:${config.PORT}`, dataDir }, 'Coming single node ready');

  runUntilSignal(
    {
      close: async () => {
        // Clients first, so no new work reaches the services being stopped behind them.
        await gateway.close();
        await Promise.all([auth.close(), mailbox.close(), keys.close(), payments.close()]);
        await infrastructure.db.destroy();
      },
    },
    logger,
  );
}

main(loadConfig(singleNodeConfigSchema)).catch((error: unknown) => {
  console.error(`Coming failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
