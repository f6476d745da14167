import { CHAIN_BACKEND_KINDS, NETWORK_NAMES } from '@coming/chain';
import { millisecondsSchema, portSchema } from '@coming/config';
import { LOCAL_REGTEST_URL } from '@coming/chain';
import { Inject } from '@nestjs/common';
import { z } from 'zod';

export const paymentsConfigSchema = z.object({
  /** Where the gRPC server listens. */
  PAYMENTS_GRPC_URL: z.string().default('0.0.0.0:50054'),
  /** Port of the health endpoints; unset on a single node, whose gateway reports for all. */
  PAYMENTS_HEALTH_PORT: portSchema.optional(),
  /** The Bitcoin network this deployment pays on; the backend must follow the same chain or the service does not start. */
  COMING_NETWORK: z.enum(NETWORK_NAMES).default('regtest'),
  /** How the service reaches the chain: a Bitcoin Core-compatible JSON-RPC node ("rpc", bcoin included) or an Esplora REST API. */
  PAYMENTS_BACKEND_KIND: z.enum(CHAIN_BACKEND_KINDS).default('rpc'),
  /**
   * The backend's URL, credentials included (http://user:password@host:port). Optional on
   * regtest, where it defaults to `npm run regtest`'s node.
   */
  PAYMENTS_BACKEND_URL: z.string().optional(),
  /** Deadline of each request to the backend. */
  PAYMENTS_BACKEND_TIMEOUT_MS: millisecondsSchema.default(10_000),
  /** How often the watcher asks the backend for new blocks and mempool changes. */
  PAYMENTS_POLL_INTERVAL_MS: millisecondsSchema.default(2_000),
  /** Confirmations after which a transaction's status stops changing. */
  PAYMENTS_CONFIRMATION_DEPTH: z.coerce.number().int().min(1).max(100).default(6),
  /** Fee rate (sat/vB) offered when the backend has no estimate, as on a young or quiet chain. */
  PAYMENTS_FALLBACK_FEE_RATE: z.coerce.number().int().min(1).max(10_000).default(2),
  /** Addresses one account may watch. */
  PAYMENTS_MAX_ADDRESSES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10_000),
});

export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;

export const PAYMENTS_CONFIG = Symbol('PaymentsConfig');
export const InjectPaymentsConfig = () => Inject(PAYMENTS_CONFIG);

/** The backend's URL: the configured one, or on regtest `npm run regtest`'s node. */
export function backendUrlOf(config: PaymentsConfig): string {
  const url = config.PAYMENTS_BACKEND_URL ?? (config.COMING_NETWORK === 'regtest' ? LOCAL_REGTEST_URL : undefined);
  if (url === undefined) {
    throw new Error(
      `PAYMENTS_BACKEND_URL is required on ${config.COMING_NETWORK}: the URL of a Bitcoin Core-compatible RPC node or an Esplora API`,
    );
  }
  return url;
}
