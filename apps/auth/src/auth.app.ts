import { migrateToLatest } from '@coming/database';
import { grpcServices } from '@coming/grpc';
import { type Infrastructure, startService, type StartedService } from '@coming/runtime';
import type { AuthConfig } from './auth.config';
import { AuthModule } from './auth.module';
import { authMigrations } from './migrations';

/** Migrates auth's tables and serves its gRPC API. */
export async function startAuth(config: AuthConfig, infrastructure: Infrastructure): Promise<StartedService> {
  await migrateToLatest(infrastructure.db, 'auth', authMigrations);
  return startService({
    module: AuthModule.register(config, infrastructure),
    infrastructure,
    grpc: { definition: grpcServices.auth, url: config.AUTH_GRPC_URL },
    httpPort: config.AUTH_HEALTH_PORT,
  });
}
