import { CHAIN_BACKEND_KINDS, NETWORK_NAMES } from '@coming/chain';
import { millisecondsSchema, portSchema } from '@coming/config';
import { LOCAL_REGTEST_URL } from '@coming/chain';
import { Inject } from '@nestjs/common';
import { LOCAL_EVM_CHAIN_ID, LOCAL_EVM_PORT, LOCAL_XBTC_ADDRESS } from '@coming/xbtc';
import { type Address, getAddress, type Hex, isAddress } from 'viem';
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

  /** The EVM chain's JSON-RPC URL. Optional on regtest, where it defaults to `npm run evm`'s chain. */
  PAYMENTS_XBTC_RPC_URL: z.string().url().optional(),
  /** The X-BTC token contract. Optional on regtest, where it defaults to its address on a fresh local chain. */
  PAYMENTS_XBTC_TOKEN: z
    .string()
    .refine((value) => isAddress(value), 'must be a 0x-prefixed EVM address (EIP-55 checksummed when mixed-case)')
    .optional(),
  /** The EVM chain ID; a backend on another chain stops the boot. Optional on regtest (hardhat's 31337). */
  PAYMENTS_XBTC_CHAIN_ID: z.coerce.number().int().min(1).optional(),
  /**
   * The relayer's private key (an operator secret: never logged, never stored). It pays the
   * gas of relayed transfers and earns their fees. Optional on regtest only.
   */
  PAYMENTS_XBTC_RELAYER_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, 'must be 0x and 64 hex digits')
    .optional(),
  /** Confirmations after which an X-BTC transfer's status stops changing. */
  PAYMENTS_XBTC_CONFIRMATION_DEPTH: z.coerce.number().int().min(1).max(100).default(12),
  /** How often the follower asks the EVM chain for new blocks and settles relayed transfers. */
  PAYMENTS_XBTC_POLL_INTERVAL_MS: millisecondsSchema.default(2_000),
  /**
   * Satoshis per whole native coin (1e18 wei), set by the operator: the chain has no price
   * oracle the service could trust, so the relayer's gas cost is converted at this price.
   */
  PAYMENTS_XBTC_NATIVE_PRICE_SAT: z.coerce.number().int().min(1).default(3_000_000),
  /** Added to the relayer's cost in a fee quote, in percent: gas prices move. */
  PAYMENTS_XBTC_FEE_MARGIN_PERCENT: z.coerce.number().int().min(0).max(1_000).default(20),
  /** How far below the current quote a signed fee may be and still be relayed, in percent. */
  PAYMENTS_XBTC_FEE_TOLERANCE_PERCENT: z.coerce.number().int().min(0).max(50).default(10),
  /** Relays one account may ask for per minute. */
  PAYMENTS_XBTC_RELAYS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Below this native balance (wei) the relayer's gas is reported low (metric and alert). */
  PAYMENTS_XBTC_LOW_GAS_WEI: z.coerce
    .bigint()
    .min(0n)
    .default(10n ** 17n),
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

/**
 * hardhat's second development key (of the public "test test … junk" mnemonic): funded on
 * every fresh hardhat chain and known to everyone, so a regtest relayer works out of the box.
 * Never a default anywhere else.
 */
const LOCAL_RELAYER_KEY: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

export interface XbtcSettings {
  rpcUrl: string;
  token: Address;
  chainId: number;
  relayerKey: Hex;
}

/** The X-BTC chain settings: the configured ones, or on regtest `npm run evm`'s chain. Names what is missing. */
export function xbtcSettingsOf(config: PaymentsConfig): XbtcSettings {
  const regtest = config.COMING_NETWORK === 'regtest';
  const required = <Value>(name: string, value: Value | undefined, local: Value): Value => {
    if (value !== undefined) return value;
    if (regtest) return local;
    throw new Error(`${name} is required on ${config.COMING_NETWORK}`);
  };
  return {
    rpcUrl: required('PAYMENTS_XBTC_RPC_URL', config.PAYMENTS_XBTC_RPC_URL, `http://127.0.0.1:${LOCAL_EVM_PORT}`),
    token: getAddress(required('PAYMENTS_XBTC_TOKEN', config.PAYMENTS_XBTC_TOKEN, LOCAL_XBTC_ADDRESS)),
    chainId: required('PAYMENTS_XBTC_CHAIN_ID', config.PAYMENTS_XBTC_CHAIN_ID, LOCAL_EVM_CHAIN_ID),
    relayerKey: required('PAYMENTS_XBTC_RELAYER_KEY', config.PAYMENTS_XBTC_RELAYER_KEY as Hex | undefined, LOCAL_RELAYER_KEY),
  };
}
