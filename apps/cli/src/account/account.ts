import type { SmsPolicy } from '@coming/client';
import type { Contact } from '../contacts/contact-book';
import type { PaymentEventView, PaymentRequestView, PaymentView, WalletView } from '../wallet/payment-views';
import type { DevicesView, RemovedDeviceView } from './device-views';

/** How the command line and the daemon name a currency. */
export type CurrencyName = 'btc' | 'xbtc';

export interface PayChoices {
  currency: CurrencyName;
  memo: string;
  /** BTC: sat/vB, instead of the service's estimate. */
  feeRate?: number;
  /** X-BTC: the relayer fee to sign, in sat, instead of the service's quote now (e.g. the quote the user agreed to). */
  fee?: number;
  /** The most fee the payment may pay, in sat; more is refused before anything is signed. */
  maxFee?: number;
}

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
  /** The carrier that brought it. */
  via: 'websocket' | 'sms';
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
  /** `sms`: sent by SMS; `queued`: kept to hand to the server when it answers again. */
  devices: { device: number; outcome: 'delivered' | 'stored' | 'refused' | 'sms' | 'queued'; reason: string | null }[];
}

/** A contact's SMS route as `contact set` and `transport set` print it: kept on this device only. */
export interface SmsRouteView {
  contact: string;
  contactName: string | null;
  phone: string;
  /** The contact's device that the phone number reaches. */
  device: number;
  transport: SmsPolicy;
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
  /** Keeps a contact's phone number on this device (never uploaded), for SMS; caches their keys while the server answers. */
  setContactPhone(contact: string, phone: string, device: number | undefined): Promise<SmsRouteView>;
  /** How messages to a contact travel: `auto` (WebSocket, SMS after an outage), `websocket` or `sms`. */
  setTransport(contact: string, transport: SmsPolicy): Promise<SmsRouteView>;
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
  /** Primary only: asks `contact` for `amount` (decimal, in `currency`) at an address of this wallet, in the chat. */
  requestPayment(contact: string, amount: string, options: { currency: CurrencyName; memo: string }): Promise<PaymentRequestView>;
  /** Primary only: pays `contact`'s newest unpaid request for `amount`; resolves once broadcast (relayed, for X-BTC). */
  pay(contact: string, amount: string, options: PayChoices): Promise<PaymentView>;
  /** Primary only: the relayer's fee for an X-BTC transfer now, in sat: what `pay` signs unless told otherwise. */
  xbtcFeeQuote(): Promise<number>;
  /** Primary only: replaces an unconfirmed payment this account sent with one at `feeRate` sat/vB, and tells the payee. */
  bump(txid: string, feeRate: number): Promise<PaymentView>;
  /** Payments sent and received, their states brought up to date. */
  payments(): Promise<PaymentView[]>;
  close(): Promise<void>;
}
