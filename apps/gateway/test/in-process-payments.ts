import { loadConfig } from '@coming/config';
import type { EvmDevnet } from '@coming/evm-devnet';
import { paymentsConfigSchema, startPayments } from '@coming/payments-service';
import type { RegtestNode } from '@coming/regtest';
import type { StartedService } from '@coming/runtime';
import { findFreePorts } from '@coming/testing';
import type { Hex } from 'viem';
import type { InProcessServices } from './in-process-services';

/** Confirmations after which the X-BTC statuses of startXbtcPaymentsOn stop changing. */
export const XBTC_CONFIRMATION_DEPTH = 3;
/** Relays an account may make a minute on startXbtcPaymentsOn. */
export const XBTC_RELAYS_PER_MINUTE = 5;

/** Starts the payments service at `grpcUrl` (what the gateway's PAYMENTS_GRPC_TARGET names), following `node` closely. */
export function startPaymentsOn(node: RegtestNode, grpcUrl: string, services: InProcessServices): Promise<StartedService> {
  return startPaymentsWith({ PAYMENTS_BACKEND_URL: node.rpcUrl }, grpcUrl, services);
}

/**
 * Starts the payments service at `grpcUrl` relaying X-BTC on `chain` from the account of
 * `relayerKey`, following the chain closely. It gets no Bitcoin node: X-BTC does not need one.
 */
export async function startXbtcPaymentsOn(
  chain: EvmDevnet,
  relayerKey: Hex,
  grpcUrl: string,
  services: InProcessServices,
): Promise<StartedService> {
  return startPaymentsWith(
    {
      PAYMENTS_BACKEND_URL: `http://coming:regtest@127.0.0.1:${await findFreePorts(1)}`,
      PAYMENTS_XBTC_RPC_URL: chain.rpcUrl,
      PAYMENTS_XBTC_TOKEN: chain.token,
      PAYMENTS_XBTC_CHAIN_ID: String(chain.chainId),
      PAYMENTS_XBTC_RELAYER_KEY: relayerKey,
      PAYMENTS_XBTC_CONFIRMATION_DEPTH: String(XBTC_CONFIRMATION_DEPTH),
      PAYMENTS_XBTC_POLL_INTERVAL_MS: '100',
      PAYMENTS_XBTC_RELAYS_PER_MINUTE: String(XBTC_RELAYS_PER_MINUTE),
    },
    grpcUrl,
    services,
  );
}

function startPaymentsWith(settings: Record<string, string>, grpcUrl: string, services: InProcessServices): Promise<StartedService> {
  return startPayments(
    loadConfig(paymentsConfigSchema, {
      PAYMENTS_GRPC_URL: grpcUrl,
      // Poll often: the tests wait on each block and mempool change.
      PAYMENTS_POLL_INTERVAL_MS: '100',
      ...settings,
    }),
    services.infrastructure,
  );
}
