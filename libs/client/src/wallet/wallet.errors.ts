export enum WalletErrorCode {
  /** An amount that is not a positive decimal number with at most the currency's decimals. */
  InvalidAmount = 'INVALID_AMOUNT',
  /** Not an address of this currency at all. */
  InvalidAddress = 'INVALID_ADDRESS',
  /** An address of this currency, but of another network (a testnet address on mainnet, say). */
  WrongNetwork = 'WRONG_NETWORK',
  /** An output so small that spending it would cost more than it is worth; nodes do not relay it. */
  Dust = 'DUST',
  /** The spendable balance does not cover the amount plus the fee. */
  InsufficientFunds = 'INSUFFICIENT_FUNDS',
  /** A fee rate below what nodes relay, or so high that it is surely a mistake. */
  InvalidFeeRate = 'INVALID_FEE_RATE',
  /** A PSBT that cannot be read, or that this wallet cannot sign or finalize. */
  InvalidPsbt = 'INVALID_PSBT',
  /** The wallet lives on the account's primary device, the one that holds the recovery phrase. */
  NoWallet = 'NO_WALLET',
  /** The chain service refused a transaction; the message carries the node's reason. */
  BroadcastRejected = 'BROADCAST_REJECTED',
  /** A fee bump of a transaction that is confirmed, gone, or not this wallet's; or of any X-BTC transfer. */
  NotReplaceable = 'NOT_REPLACEABLE',
  /** The chain service knows the transaction but cannot show the outputs a check needs (they are spent). */
  Unverifiable = 'UNVERIFIABLE',
  /** A fee above the most the payment allows: the order's maxFee, or X-BTC's default when it sets none. */
  FeeAboveMaximum = 'FEE_ABOVE_MAXIMUM',
  /** An X-BTC authorization that cannot be read, is not signed where it must be, or that this wallet cannot sign. */
  InvalidAuthorization = 'INVALID_AUTHORIZATION',
}

/** A wallet operation refused; the message names the amounts or the value at fault. */
export class WalletError extends Error {
  override readonly name = 'WalletError';

  constructor(
    readonly code: WalletErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
