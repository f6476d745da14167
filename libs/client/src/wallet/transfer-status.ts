/**
 * Where a payment stands, the one model the CLI, the events, the service's metrics and
 * the dashboards share: requested → broadcast → in mempool → confirmed (N), or replaced,
 * dropped, expired. Nothing is "paid" until it is confirmed.
 */
export enum TransferState {
  /** A payment request is out; nothing has been paid yet. */
  Requested = 'requested',
  /** Handed to the chain service; no node has shown it in its mempool yet. */
  Broadcast = 'broadcast',
  /** In the mempool: seen, not yet in a block. Not paid yet. */
  InMempool = 'in_mempool',
  /** In a block, with `confirmations` of depth (1 = in the tip block). */
  Confirmed = 'confirmed',
  /** Another transaction spending the same coins took its place (a fee bump, say). */
  Replaced = 'replaced',
  /** Gone from the mempool without being mined. */
  Dropped = 'dropped',
  /** A request nobody paid before it expired. */
  Expired = 'expired',
}

/** A transaction's state as the chain service reports it. */
export interface TransferStatus {
  transactionId: string;
  state: TransferState;
  /** 0 until it is in a block. */
  confirmations: number;
  /** With REPLACED: the transaction that took its place. */
  replacedBy?: string;
}
