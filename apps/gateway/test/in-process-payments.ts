import { loadConfig } from '@coming/config';
import { paymentsConfigSchema, startPayments } from '@coming/payments-service';
import type { RegtestNode } from '@coming/regtest';
import type { StartedService } from '@coming/runtime';
import type { InProcessServices } from './in-process-services';

/** Starts the payments service at `grpcUrl` (what the gateway's PAYMENTS_GRPC_TARGET names), following `node` closely. */
export function startPaymentsOn(node: RegtestNode, grpcUrl: string, services: InProcessServices): Promise<StartedService> {
  return startPayments(
    loadConfig(paymentsConfigSchema, {
      PAYMENTS_GRPC_URL: grpcUrl,
      PAYMENTS_BACKEND_URL: node.rpcUrl,
      // Poll often: the tests wait on each block and mempool change.
      PAYMENTS_POLL_INTERVAL_MS: '100',
    }),
    services.infrastructure,
  );
}
