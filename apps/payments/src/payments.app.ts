import { ChainBackendUnavailableError, createChainBackend } from '@coming/chain';
import { grpcServices } from '@coming/grpc';
import { type Infrastructure, startGrpcService, type StartedService } from '@coming/runtime';
import { verifyNetwork } from './chain/chain-connection';
import { backendUrlOf, type PaymentsConfig } from './payments.config';
import { PaymentsModule } from './payments.module';
import { paymentsMigrations } from './migrations';

/**
 * Checks the chain backend's network, migrates the payments tables, and serves the gRPC API
 * while the chain watcher follows the backend. A backend on another network stops the boot;
 * one that cannot be reached does not: payments wait for it while the rest keeps working.
 */
export async function startPayments(config: PaymentsConfig, infrastructure: Infrastructure): Promise<StartedService> {
  const backend = createChainBackend(config.PAYMENTS_BACKEND_KIND, backendUrlOf(config), { timeoutMs: config.PAYMENTS_BACKEND_TIMEOUT_MS });
  try {
    await verifyNetwork(backend, config.COMING_NETWORK, config.PAYMENTS_BACKEND_KIND);
  } catch (error) {
    if (!(error instanceof ChainBackendUnavailableError)) throw error;
    infrastructure.logger.warn({ err: error }, 'chain backend unreachable at boot; payments wait for it');
  }
  return startGrpcService({
    service: 'payments',
    migrations: paymentsMigrations,
    module: PaymentsModule.register(config, infrastructure, backend),
    infrastructure,
    grpc: { definition: grpcServices.payments, url: config.PAYMENTS_GRPC_URL },
    healthPort: config.PAYMENTS_HEALTH_PORT,
  });
}
