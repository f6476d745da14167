import type { Address, Hash, Hex } from 'viem';
import type { TransferStatus } from '../transfer-status';
import type { TransferWithFee } from './transfer-with-fee';

/** Which X-BTC: the EVM chain and the token contract there, what every authorization is bound to. */
export interface XbtcToken {
  chainId: number;
  /** The token contract's address, EIP-55 checksummed. */
  address: Address;
}

/** The X-BTC `Transfer` events of one transaction to one address. */
export interface XbtcTransfersTo {
  transactionId: Hash;
  /** 0 until the transaction is in a block. */
  confirmations: number;
  /** Each transfer's value in base units, in the order the events were emitted. */
  values: bigint[];
}

/**
 * The chain service as the X-BTC wallet uses it (the payments service, once it serves
 * X-BTC). It learns the wallet's address and the authorizations it relays, never a key:
 * the wallet signs every authorization itself, and the service's relayer submits it and
 * pays the gas, for the fee the authorization grants it.
 */
export interface XbtcChainApi {
  /** The chain and token contract the service serves. */
  tokenInfo(): Promise<XbtcToken>;
  /** Starts watching these addresses for this account. */
  watch(addresses: readonly string[]): Promise<void>;
  /** The token balance of `address` at the latest block, in base units. */
  balanceOf(address: string): Promise<bigint>;
  /** What the relayer asks, in X-BTC base units, to relay one transfer now. */
  feeQuote(): Promise<bigint>;
  /**
   * Has the relayer submit a signed transferWithFee; the status's transactionId is the
   * hash of the transaction that carries it. Throws BROADCAST_REJECTED with the reason
   * (the contract's, when it would revert: a used nonce, say).
   */
  relay(authorization: TransferWithFee, signature: Hex): Promise<TransferStatus>;
  /**
   * The statuses of these transactions; those the service does not know are left out. A
   * transaction in a block that reverted moved nothing: it is DROPPED, not CONFIRMED.
   */
  statuses(transactionIds: readonly string[]): Promise<TransferStatus[]>;
  /** The transfers transaction `transactionId` made to `address`; undefined when the chain knows no such transaction. */
  transfersTo(transactionId: string, address: string): Promise<XbtcTransfersTo | undefined>;
  /** Tells the service that `address` awaits `amount` until `expiresAtMs` (0: never expires), so that it can report the request expired. */
  registerRequest(address: string, amount: bigint, expiresAtMs: number): Promise<void>;
}
