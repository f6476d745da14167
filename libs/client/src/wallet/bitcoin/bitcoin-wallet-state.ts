/**
 * The Bitcoin wallet's bookkeeping, kept in the client's stored state (sealed at rest by
 * the store). It holds no key: every key derives from the mnemonic again. Plain JSON.
 */
export interface BitcoinWalletState {
  /** The next receive index never handed out: every payment request takes a fresh one. */
  nextReceiveIndex: number;
  /** The next change index never used in a transaction. */
  nextChangeIndex: number;
  /** Receive addresses below this index are watched by the chain service. */
  watchedReceiveIndex: number;
  /** Change addresses below this index are watched by the chain service. */
  watchedChangeIndex: number;
  /** Transactions this wallet sent that are not yet confirmed. */
  pending: PendingTransaction[];
}

export interface PendingTransaction {
  txid: string;
  /**
   * The outputs it spends, "txid:vout". They are not spent again while it is pending,
   * whatever the chain service's list of unspent outputs says in the meantime.
   */
  spends: string[];
  sentAtMs: number;
  /**
   * The signed PSBT (base64) and which output pays the payee: what a fee bump rebuilds from.
   * Absent on transactions sent before fee bumps existed.
   */
  psbt?: string;
  outputIndex?: number;
}

export function emptyBitcoinWalletState(): BitcoinWalletState {
  return { nextReceiveIndex: 0, nextChangeIndex: 0, watchedReceiveIndex: 0, watchedChangeIndex: 0, pending: [] };
}
