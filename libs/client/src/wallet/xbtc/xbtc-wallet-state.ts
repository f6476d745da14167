/**
 * The X-BTC wallet's bookkeeping, kept in the client's stored state (sealed at rest by the
 * store). It holds no key: the key derives from the mnemonic again. Plain JSON.
 */
export interface XbtcWalletState {
  /** True once the chain service watches the wallet's address. */
  watched: boolean;
  /** Transfers this wallet signed and handed to the relayer that are not yet in a block. */
  pending: PendingAuthorization[];
}

export interface PendingAuthorization {
  /** The authorization's nonce (0x and 64 hex digits): what makes it one of a kind. */
  nonce: string;
  /** Value plus fee, in base units (decimal digits): what it takes from the balance. */
  debit: string;
  /** Unix seconds; from then on the authorization can never be used. */
  validBefore: number;
  /** The relaying transaction's hash, once the relayer took it. */
  transactionId?: string;
}

export function emptyXbtcWalletState(): XbtcWalletState {
  return { watched: false, pending: [] };
}
