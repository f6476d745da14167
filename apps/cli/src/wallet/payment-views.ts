import type { PaymentEntry, PaymentRequestEntry } from '@coming/client';

/** `coming wallet --json`: satoshis as JSON numbers (exact: 21M BTC is below 2^53 sat). */
export interface WalletView {
  confirmedSat: number;
  unconfirmedSat: number;
  /** A fresh receive address, watched from now on. */
  address: string;
}

/** A payment request as `coming request --json` prints it. */
export interface PaymentRequestView {
  to: string;
  toName: string | null;
  amountSat: number;
  address: string;
  memo: string;
  expiresAt: string | null;
}

/** One payment of `coming payments --json`, and what `coming pay --json` prints. */
export interface PaymentView {
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

export function paymentRequestView(entry: PaymentRequestEntry, toName: string | undefined): PaymentRequestView {
  return {
    to: entry.counterparty,
    toName: toName ?? null,
    amountSat: Number(entry.amount),
    address: entry.address,
    memo: entry.memo,
    expiresAt: entry.expiresAtMs === undefined ? null : new Date(entry.expiresAtMs).toISOString(),
  };
}

export function paymentView(entry: PaymentEntry, counterpartyName: string | undefined): PaymentView {
  const { check } = entry;
  return {
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
