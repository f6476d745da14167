import type { TransferStatus } from '../transfer-status';

/** An unspent output at a watched address, as the chain service reports it. */
export interface ChainUtxo {
  txid: string;
  vout: number;
  /** The output script; matched against the wallet's own, so address encodings never matter. */
  script: Uint8Array;
  amount: bigint;
  /** 0 while in the mempool. */
  confirmations: number;
}

/** The outputs of one transaction that pay the addresses asked about. */
export interface ChainPayment {
  txid: string;
  /** 0 while in the mempool. */
  confirmations: number;
  outputs: { index: number; script: Uint8Array; amount: bigint }[];
}

/**
 * What a payee's client asks of the chain to believe a payment message. It asks only
 * about its own addresses, which the chain service watches for it anyway, so checking a
 * payment tells the service nothing new.
 */
export interface ChainView {
  /** The outputs of transaction `txid` that pay any of `addresses`; undefined when the chain knows no such transaction. */
  paymentsTo(txid: string, addresses: readonly string[]): Promise<ChainPayment | undefined>;
}

/**
 * The chain service as the Bitcoin wallet uses it (the payments service, through the
 * gateway). It learns the addresses the wallet watches and the transactions it sends,
 * never a key: the wallet builds and signs everything itself.
 */
export interface BitcoinChainApi extends ChainView {
  /** Starts watching these addresses for this account. */
  watch(addresses: readonly string[]): Promise<void>;
  /** The unspent outputs at these addresses, mempool ones included. */
  utxos(addresses: readonly string[]): Promise<ChainUtxo[]>;
  /** The fee rate, in sat/vB (rounded up, at least 1), to be mined within about `targetBlocks` blocks. */
  feeRate(targetBlocks?: number): Promise<bigint>;
  /** Broadcasts a signed raw transaction; throws BROADCAST_REJECTED with the node's reason. */
  broadcast(rawTransaction: Uint8Array): Promise<TransferStatus>;
  /** The statuses of these transactions; those the service does not know are left out. */
  statuses(txids: readonly string[]): Promise<TransferStatus[]>;
  /** Tells the service that `address` awaits `amount` until `expiresAtMs` (0: never expires), so that it can report the request expired. */
  registerRequest(address: string, amount: bigint, expiresAtMs: number): Promise<void>;
}
