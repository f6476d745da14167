import { ChainBackendUnavailableError, createChainBackend } from '@coming/chain';
import { grpcServices } from '@coming/grpc';
import { type Infrastructure, startGrpcService, type StartedService } from '@coming/runtime';
import { verifyNetwork } from './chain/chain-connection';
import { backendUrlOf, type PaymentsConfig, xbtcSettingsOf } from './payments.config';
import { createEvmClient, isUnreachable, verifyEvmChain } from './xbtc/xbtc-chain';
import { PaymentsModule } from './payments.module';
import { paymentsMigrations } from './migrations';

/**
 * Checks the chain backend's network (and the EVM backend's chain ID), migrates the payments tables, and serves the gRPC API
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
  const xbtc = xbtcSettingsOf(config);
  try {
    await verifyEvmChain(createEvmClient(xbtc.rpcUrl, config.PAYMENTS_BACKEND_TIMEOUT_MS), xbtc.chainId);
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    infrastructure.logger.warn({ err: error }, 'EVM backend unreachable at boot; X-BTC waits for it');
  }
  return startGrpcService({
    service: 'payments',
    migrations: paymentsMigrations,
    module: PaymentsModule.register(config, infrastructure, backend, xbtc),
    infrastructure,
    grpc: { definition: grpcServices.payments, url: config.PAYMENTS_GRPC_URL },
    healthPort: config.PAYMENTS_HEALTH_PORT,
  });
}
