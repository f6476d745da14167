import { grpcServices } from '@coming/grpc';
import { type Infrastructure, startGrpcService, type StartedService } from '@coming/runtime';
import type { AuthConfig } from './auth.config';
import { AuthModule } from './auth.module';
import { authMigrations } from './migrations';

/** Migrates auth's tables and serves its gRPC API. */
export function startAuth(config: AuthConfig, infrastructure: Infrastructure): Promise<StartedService> {
  return startGrpcService({
    service: 'auth',
    migrations: authMigrations,
    module: AuthModule.register(config, infrastructure),
    infrastructure,
    grpc: { definition: grpcServices.auth, url: config.AUTH_GRPC_URL },
    healthPort: config.AUTH_HEALTH_PORT,
  });
}
