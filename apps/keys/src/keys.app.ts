import { grpcServices } from '@coming/grpc';
import { type Infrastructure, startGrpcService, type StartedService } from '@coming/runtime';
import type { KeysConfig } from './keys.config';
import { KeysModule } from './keys.module';
import { keysMigrations } from './migrations';

/** Migrates the key directory's tables and serves its gRPC API. */
export function startKeys(config: KeysConfig, infrastructure: Infrastructure): Promise<StartedService> {
  return startGrpcService({
    service: 'keys',
    migrations: keysMigrations,
    module: KeysModule.register(config, infrastructure),
    infrastructure,
    grpc: { definition: grpcServices.keys, url: config.KEYS_GRPC_URL },
    healthPort: config.KEYS_HEALTH_PORT,
  });
}
