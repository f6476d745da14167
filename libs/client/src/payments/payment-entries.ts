import { type Currency, currencyOfWire } from '../wallet/currency';
import type { PaymentRequestTerms, PaymentTerms } from './payment-messages';
import { TransferState } from '../wallet/transfer-status';

/**
 * Where a payment stands for this client: a chain state (in mempool, confirmed (N),
 * replaced, dropped…), or, for a payment received, being checked, invalid with the reason,
 * or unverifiable on this device (a linked device holds no wallet).
 */
export type PaymentCheck =
  | { state: TransferState; confirmations: number }
  | { state: 'verifying' }
  | { state: 'invalid'; reason: string }
  | { state: 'unverified'; reason: string };

export type PaymentDirection = 'incoming' | 'outgoing';

/** A payment request, sent or received, as the chat shows it. */
export interface PaymentRequestEntry extends PaymentRequestTerms {
  direction: PaymentDirection;
  counterparty: string;
  /** When it was sent, by the sender's clock (ms since the epoch). */
  at: number;
}

/** A payment, sent or received, as the chat shows it. */
export interface PaymentEntry extends PaymentTerms {
  direction: PaymentDirection;
  counterparty: string;
  /** When it was sent, by the sender's clock (ms since the epoch). */
  at: number;
  check: PaymentCheck;
}

/** The JSON form kept in the client state: amounts as decimal strings, the currency as its wire number. */
export type Stored<Entry> = Omit<Entry, 'amount' | 'currency'> & { amount: string; currency: number };

/** Payment requests and payments this device sent or received, in the client state. */
export interface PaymentsState {
  requests: Stored<PaymentRequestEntry>[];
  payments: Stored<PaymentEntry>[];
}

export function stored<Entry extends { amount: bigint; currency: Currency }>(entry: Entry): Stored<Entry> {
  return { ...entry, amount: entry.amount.toString(), currency: entry.currency.wire };
}

export function entryOf<Entry extends { amount: bigint; currency: Currency }>(kept: Stored<Entry>): Entry {
  const currency = currencyOfWire(kept.currency);
  if (currency === undefined) throw new Error(`the stored payment names an unknown currency ${kept.currency}`);
  return { ...kept, amount: BigInt(kept.amount), currency } as unknown as Entry;
}

/** The check a chain status gives: paid only once confirmed. */
export function checkOfConfirmations(confirmations: number): PaymentCheck {
  return confirmations > 0 ? { state: TransferState.Confirmed, confirmations } : { state: TransferState.InMempool, confirmations: 0 };
}
