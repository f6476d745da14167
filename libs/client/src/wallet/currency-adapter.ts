import type { Currency } from './currency';
import type { TransferStatus } from './transfer-status';

/**
 * What a wallet holds, in base units: confirmed coins, and coins still in the mempool. For
 * X-BTC, an account balance: confirmed is the balance at the latest block, and unconfirmed
 * is what this wallet's transfers not yet in a block take from it (so zero or negative).
 */
export interface Balance {
  confirmed: bigint;
  unconfirmed: bigint;
}

/**
 * A payment to make: the amount in base units. The fee rate overrides the service's
 * estimate: base units per vbyte for BTC; for X-BTC, whose relayer asks one price per
 * transfer, the fee itself.
 */
export interface TransferOrder {
  to: string;
  amount: bigint;
  feeRate?: bigint;
  /**
   * The most fee the payment may pay, in base units; more is refused with FEE_ABOVE_MAXIMUM.
   * Default: none for BTC (its fee rate is bounded instead); DEFAULT_MAX_FEE for X-BTC.
   */
  maxFee?: bigint;
}

/** A transfer built and ready to sign, with what it costs, to show before it is sent. */
export interface PreparedTransfer {
  readonly currency: Currency;
  readonly to: string;
  readonly amount: bigint;
  readonly fee: bigint;
  /** Which output of the transaction pays `to`. */
  readonly outputIndex: number;
  /** True once every input is signed. */
  readonly complete: boolean;
  /** The portable form another signer can sign (a base64 PSBT for BTC). */
  export(): string;
}

/** A transfer the chain service took. */
export interface SentTransfer {
  transactionId: string;
  outputIndex: number;
  amount: bigint;
  fee: bigint;
  status: TransferStatus;
}

/** What a payment message claims: that output `outputIndex` of a transaction pays `address` `amount`. */
export interface PaymentClaim {
  transactionId: string;
  outputIndex: number;
  amount: bigint;
  address: string;
}

/** What the chain says of a claim: it holds (with its confirmations), or why it does not. */
export type PaymentVerification = { valid: true; confirmations: number } | { valid: false; reason: string };

/**
 * One currency's wallet: its addresses, balance, building, signing, broadcast and status.
 * The payment messages and the facade talk only to this, so a second currency is a
 * second adapter. Keys stay inside the adapter: nothing it returns holds one.
 */
export interface CurrencyAdapter {
  readonly currency: Currency;
  /** A fresh address to be paid at, never handed out before, already watched by the chain service. */
  freshReceiveAddress(): Promise<string>;
  /** Tells the chain service that `address` awaits `amount` until `expiresAtMs` (undefined: no expiry), so that it reports the request paid or expired. */
  expectPayment(address: string, amount: bigint, expiresAtMs: number | undefined): Promise<void>;
  balance(): Promise<Balance>;
  /** Throws INVALID_ADDRESS or WRONG_NETWORK unless `address` can be paid from this wallet. */
  checkAddress(address: string): void;
  /** Builds an unsigned transfer, choosing coins and fee; throws DUST, INSUFFICIENT_FUNDS and the like with the amounts. */
  prepare(order: TransferOrder): Promise<PreparedTransfer>;
  /**
   * Builds, unsigned, the replacement of a transfer this wallet sent that is not yet
   * confirmed: the same payment at a higher fee rate (BIP-125 for BTC). Throws
   * NOT_REPLACEABLE, INVALID_FEE_RATE or INSUFFICIENT_FUNDS with the amounts.
   */
  prepareReplacement(transactionId: string, feeRate: bigint): Promise<PreparedTransfer>;
  /** Reads a transfer another signer exported (or this one did), to sign or send it. */
  importTransfer(exported: string): PreparedTransfer;
  /** Signs what this wallet's keys can sign. */
  sign(transfer: PreparedTransfer): PreparedTransfer;
  /** Broadcasts a fully signed transfer and keeps track of it. */
  send(transfer: PreparedTransfer): Promise<SentTransfer>;
  /** The chain service's status of these transactions. */
  statuses(transactionIds: readonly string[]): Promise<TransferStatus[]>;
  /** Checks on the chain that a claimed payment to this wallet holds. */
  verifyPayment(claim: PaymentClaim): Promise<PaymentVerification>;
  /** Whether `address` is one this wallet handed out to be paid at. */
  ownsAddress(address: string): boolean;
}
