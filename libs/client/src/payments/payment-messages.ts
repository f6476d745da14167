import type { content, messaging } from '@coming/proto';
import { ClientError, ClientErrorCode } from '../client.errors';
import { type Currency, currencyOfWire } from '../wallet/currency';

export const REQUEST_ID_BYTES = 16;
export const MAX_MEMO_BYTES = 256;

/** Who sent a payment message, and when: what the envelope says. */
export interface MessageOrigin {
  from: string;
  fromDevice: number;
  /** The sender's clock when it composed the message (ms since the epoch). */
  sentAt: number;
  /** Hex; unique per message and recipient device. */
  serverGuid: string;
}

/** What a payment request asks, whoever sent it. */
export interface PaymentRequestTerms {
  /** Hex of the 16 bytes the payee chose. */
  requestId: string;
  currency: Currency;
  /** Base units (satoshis for BTC). */
  amount: bigint;
  /** The payee's fresh address. */
  address: string;
  memo: string;
  /** Undefined when it never expires. */
  expiresAtMs?: number;
}

/** A contact's payment request, read and checked for form (not yet for anything on chain). */
export interface ReceivedPaymentRequest extends MessageOrigin, PaymentRequestTerms {}

/** What a payment message says was paid, whoever sent it. */
export interface PaymentTerms {
  /** Hex, or undefined for a payment that answers no request. */
  requestId?: string;
  currency: Currency;
  /** Base units paid to the payee; the fee is not part of it. */
  amount: bigint;
  transactionId: string;
  /** The output of the transaction that pays the payee. */
  outputIndex: number;
  memo: string;
}

/** A contact's claim to have paid, read and checked for form; the chain check comes after. */
export interface ReceivedPayment extends MessageOrigin, PaymentTerms {
  /** The payment this one replaces (a fee bump). */
  replacesTransactionId?: string;
}

/** Reads a payment request's content; UNEXPECTED_CONTENT names what is malformed. */
export function paymentRequestOf(envelope: messaging.Envelope, request: content.PaymentRequest): ReceivedPaymentRequest {
  const from = originOf(envelope);
  const problem = (what: string) => malformed('payment request', envelope, what);
  if (request.requestId.length !== REQUEST_ID_BYTES) throw problem(`its request ID is not ${REQUEST_ID_BYTES} bytes`);
  if (request.address.trim() === '' || request.address.length > 100) throw problem('it names no address');
  return {
    ...from,
    requestId: Buffer.from(request.requestId).toString('hex'),
    currency: currencyOf(request.currency, problem),
    amount: amountOf(request.amount, problem),
    address: request.address.trim(),
    memo: memoOf(request.memo, problem),
    expiresAtMs: request.expiresAtMs === 0 ? undefined : request.expiresAtMs,
  };
}

/** Reads a payment's content; UNEXPECTED_CONTENT names what is malformed. */
export function paymentOf(envelope: messaging.Envelope, payment: content.Payment): ReceivedPayment {
  const from = originOf(envelope);
  const problem = (what: string) => malformed('payment', envelope, what);
  if (payment.requestId.length !== 0 && payment.requestId.length !== REQUEST_ID_BYTES) {
    throw problem(`its request ID is not ${REQUEST_ID_BYTES} bytes`);
  }
  const currency = currencyOf(payment.currency, problem);
  const { pattern, described } = currency.transactionId;
  if (!pattern.test(payment.transactionId)) throw problem(`its transaction ID is not ${described}`);
  if (payment.replacesTransactionId !== '' && !pattern.test(payment.replacesTransactionId)) {
    throw problem(`the transaction ID it replaces is not ${described}`);
  }
  return {
    ...from,
    requestId: payment.requestId.length === 0 ? undefined : Buffer.from(payment.requestId).toString('hex'),
    currency,
    amount: amountOf(payment.amount, problem),
    transactionId: payment.transactionId,
    outputIndex: payment.outputIndex,
    memo: memoOf(payment.memo, problem),
    replacesTransactionId: payment.replacesTransactionId === '' ? undefined : payment.replacesTransactionId,
  };
}

/** Throws INVALID_ARGUMENT for a memo too long to send. */
export function checkMemo(memo: string): string {
  return memoOf(memo, (what) => new ClientError(ClientErrorCode.InvalidArgument, `the memo is refused: ${what}`));
}

function originOf(envelope: messaging.Envelope): MessageOrigin {
  return {
    from: envelope.sourceAccount,
    fromDevice: envelope.sourceDevice,
    sentAt: envelope.clientTimestampMs,
    serverGuid: Buffer.from(envelope.serverGuid).toString('hex'),
  };
}

function currencyOf(wire: content.Currency, problem: (what: string) => Error): Currency {
  const currency = currencyOfWire(wire);
  if (currency === undefined) throw problem(`its currency (${wire}) is none this client knows`);
  return currency;
}

function amountOf(amount: number, problem: (what: string) => Error): bigint {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw problem('its amount is not a positive whole number of base units');
  return BigInt(amount);
}

function memoOf(memo: string, problem: (what: string) => Error): string {
  if (Buffer.byteLength(memo) > MAX_MEMO_BYTES) throw problem(`its memo is over ${MAX_MEMO_BYTES} bytes`);
  return memo;
}

function malformed(kind: string, envelope: messaging.Envelope, what: string): ClientError {
  return new ClientError(ClientErrorCode.UnexpectedContent, `${envelope.sourceAccount} sent a malformed ${kind}: ${what}; dropped it`);
}
