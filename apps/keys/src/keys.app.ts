import { migrateToLatest } from '@coming/database';
import { grpcServices } from '@coming/grpc';
import { type Infrastructure, startService, type StartedService } from '@coming/runtime';
import type { KeysConfig } from './keys.config';
import { KeysModule } from './keys.module';
import { keysMigrations } from './migrations';

/** Migrates the key directory's tables and serves its gRPC API. */
export async function startKeys(config: KeysConfig, infrastructure: Infrastructure): Promise<StartedService> {
  await migrateToLatest(infrastructure.db, 'keys', keysMigrations);
  return startService({
    module: KeysModule.register(config, infrastructure),
    infrastructure,
    grpc: { definition: grpcServices.keys, url: config.KEYS_GRPC_URL },
    httpPort: config.KEYS_HEALTH_PORT,
  });
}
