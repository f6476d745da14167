import '@coming/telemetry/register';
import 'reflect-metadata';
import { publicKeyOf } from '@coming/access-token';
import { startAuth } from '@coming/auth-service';
import { MemoryBroker } from '@coming/broker';
import { MemoryCache } from '@coming/cache';
import { loadConfig } from '@coming/config';
import { openDatabase } from '@coming/database';
import { startGateway } from '@coming/gateway-service';
import { startKeys } from '@coming/keys-service';
import { createLogger } from '@coming/logging';
import { startMailbox } from '@coming/mailbox-service';
import { startPayments } from '@coming/payments-service';
import { runUntilSignal } from '@coming/runtime';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { serviceConfigsOf } from './service-configs';
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
  // Nothing outside this process calls its gRPC ports, so a per-run secret is enough.
  const serviceToken = randomBytes(32).toString('base64url');
  const infrastructure = {
    db: await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pgdata') }),
    cache: new MemoryCache(),
    broker: new MemoryBroker(),
    logger,
    serviceToken,
    // The in-process gateway is the only caller of the inner services.
    grpcCallers: { gateway: serviceToken },
  };
  const signingKey = await loadOrCreateSigningKey(dataDir);
  const configs = serviceConfigsOf(config, { signingKey, authPublicKey: publicKeyOf(signingKey) }, process.env);

  const auth = await startAuth(configs.auth, infrastructure);
  const mailbox = await startMailbox(configs.mailbox, infrastructure);
  const keys = await startKeys(configs.keys, infrastructure);
  const payments = await startPayments(configs.payments, infrastructure);
  const gateway = await startGateway(configs.gateway, infrastructure);
  const url = `ws://${config.HOST}:${config.PORT}`;
  logger.info({ url, dataDir }, `Coming single node ready on ${url}`);

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
