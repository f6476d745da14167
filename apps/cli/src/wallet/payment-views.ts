import type { PaymentEntry, PaymentRequestEntry } from '@coming/client';

/** `coming wallet --json`: satoshis as JSON numbers (exact: 21M BTC is below 2^53 sat). */
export interface WalletView {
  confirmedSat: number;
  unconfirmedSat: number;
  /** A fresh receive address, watched from now on. */
  address: string;
  /**
   * The X-BTC balance in sat, less what this wallet's transfers not yet in a block spend;
   * null when this home has no X-BTC token configured or the server's X-BTC chain does not
   * answer (said on stderr).
   */
  xbtcSat: number | null;
  /** The X-BTC wallet's one address (reused: see the README), null with no X-BTC token configured. */
  evmAddress: string | null;
}

/** A payment request as `coming request --json` prints it: sent, or received from a contact. */
export interface PaymentRequestView {
  /** BTC or X-BTC. */
  currency: string;
  direction: 'sent' | 'received';
  counterparty: string;
  counterpartyName: string | null;
  amountSat: number;
  /** Where the payee wants to be paid. */
  address: string;
  memo: string;
  expiresAt: string | null;
  sentAt: string;
}

/**
 * A payment request or a payment as it arrives or changes state, as `listen --json` and
 * `payments --watch --json` print it and the daemon notifies it (`payment`).
 */
export type PaymentEventView =
  ({ type: 'payment_request'; status: 'requested' } & PaymentRequestView) | ({ type: 'payment' } & PaymentView);

/** One payment of `coming payments --json`, and what `coming pay --json` prints. */
export interface PaymentView {
  /** BTC or X-BTC. */
  currency: string;
  direction: 'sent' | 'received';
  counterparty: string;
  counterpartyName: string | null;
  amountSat: number;
  txid: string;
  memo: string;
  /** requested, broadcast, in_mempool, confirmed, replaced, dropped, expired; or verifying, invalid, unverified for a received one. */
  status: string;
  confirmations: number;
  /** Why a received payment is invalid or unverified. */
  reason: string | null;
  sentAt: string;
}

export function paymentRequestView(entry: PaymentRequestEntry, counterpartyName: string | undefined): PaymentRequestView {
  return {
    currency: entry.currency.symbol,
    direction: entry.direction === 'outgoing' ? 'sent' : 'received',
    counterparty: entry.counterparty,
    counterpartyName: counterpartyName ?? null,
    amountSat: Number(entry.amount),
    address: entry.address,
    memo: entry.memo,
    expiresAt: entry.expiresAtMs === undefined ? null : new Date(entry.expiresAtMs).toISOString(),
    sentAt: new Date(entry.at).toISOString(),
  };
}

export function paymentView(entry: PaymentEntry, counterpartyName: string | undefined): PaymentView {
  const { check } = entry;
  return {
    currency: entry.currency.symbol,
    direction: entry.direction === 'outgoing' ? 'sent' : 'received',
    counterparty: entry.counterparty,
    counterpartyName: counterpartyName ?? null,
    amountSat: Number(entry.amount),
    txid: entry.transactionId,
    memo: entry.memo,
    status: check.state,
    confirmations: 'confirmations' in check ? check.confirmations : 0,
    reason: 'reason' in check ? check.reason : null,
    sentAt: new Date(entry.at).toISOString(),
  };
}
