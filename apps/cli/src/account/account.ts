import type { Contact } from '../contacts/contact-book';
import type { PaymentEventView, PaymentRequestView, PaymentView, WalletView } from '../wallet/payment-views';
import type { DevicesView, RemovedDeviceView } from './device-views';

/** A received message as `listen --json` prints it and the daemon notifies it. */
export interface MessageView {
  from: string;
  /** The name this home gave the sender, if any. */
  fromName: string | null;
  fromDevice: number;
  text: string;
  sentAt: string;
  receivedAt: string;
  serverGuid: string;
}

/** One message of `history --json`. */
export interface HistoryView {
  direction: 'sent' | 'received';
  contact: string;
  contactName: string | null;
  text: string;
  sentAt: string;
  receivedAt: string | null;
  serverGuid: string | null;
}

/** What became of a sent message on each of the recipient's devices. */
export interface SendView {
  to: string;
  toName: string | null;
  sentAt: string;
  devices: { device: number; outcome: 'delivered' | 'stored' | 'refused'; reason: string | null }[];
}

export interface Subscriber {
  message(message: MessageView): void;
  /** A payment request or payment arrived, or a payment's state changed. */
  payment(event: PaymentEventView): void;
  /** Everything stored while away has been handed over; what comes next arrives live. */
  caughtUp(): void;
  /** Other devices of the account were removed or expired. */
  devicesRemoved(removed: RemovedDeviceView[]): void;
  /** The subscription ended on its own (displaced, revoked, daemon stopping). */
  ended(error: Error): void;
}

/**
 * What the commands do with an account, either in this process (LocalAccount) or through
 * a daemon that holds the home (DaemonAccount). Contacts are accepted wherever an account
 * ID is.
 */
export interface Account {
  accountId(): Promise<string>;
  send(to: string, text: string, timeoutMs: number): Promise<SendView>;
  contacts(): Promise<Contact[]>;
  addContact(name: string, accountId: string): Promise<Contact>;
  removeContact(name: string): Promise<void>;
  history(contact: string, limit: number): Promise<HistoryView[]>;
  /** Resolves once subscribed; with `max`, later messages stay on the server. */
  subscribe(subscriber: Subscriber, options: { max?: number; deadline?: number }): Promise<void>;
  devices(): Promise<DevicesView>;
  /** Primary only: the device is disconnected and can never log in again. */
  removeDevice(id: number): Promise<void>;
  nameThisDevice(name: string): Promise<void>;
  /** Primary only: hands the device showing `linkCode` what it needs to join the account. */
  approveLink(linkCode: string): Promise<void>;
  /** Primary only: the balance and a fresh receive address. */
  wallet(): Promise<WalletView>;
  /** Primary only: asks `contact` for `amountBtc` (decimal BTC) at a fresh address, in the chat. */
  requestPayment(contact: string, amountBtc: string, memo: string): Promise<PaymentRequestView>;
  /** Primary only: pays `contact`'s newest unpaid request for `amountBtc`; resolves once broadcast. */
  pay(contact: string, amountBtc: string, options: { memo: string; feeRate?: number }): Promise<PaymentView>;
  /** Primary only: replaces an unconfirmed payment this account sent with one at `feeRate` sat/vB, and tells the payee. */
  bump(txid: string, feeRate: number): Promise<PaymentView>;
  /** Payments sent and received, their states brought up to date. */
  payments(): Promise<PaymentView[]>;
  close(): Promise<void>;
}
