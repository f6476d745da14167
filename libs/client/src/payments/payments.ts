import { CLIENT_MESSAGE_ID_BYTES } from '@coming/proto';
import { isAccountId } from '@coming/identity';
import { randomBytes } from 'node:crypto';
import { ClientError, ClientErrorCode } from '../client.errors';
import type { ClientEvents } from '../events/client-events';
import type { Outbox } from '../sending/outbox';
import type { ContentBody } from '../signal/end-to-end';
import type { StateKeeper } from '../state-keeper';
import type { CurrencyAdapter } from '../wallet/currency-adapter';
import { BTC, type Currency } from '../wallet/currency';
import { TransferState, type TransferStatus } from '../wallet/transfer-status';
import { WalletError, WalletErrorCode } from '../wallet/wallet.errors';
import {
  type PaymentCheck,
  type PaymentEntry,
  type PaymentRequestEntry,
  type PaymentsState,
  checkOfConfirmations,
  entryOf,
  stored,
} from './payment-entries';
import { REQUEST_ID_BYTES, type ReceivedPayment, type ReceivedPaymentRequest, checkMemo } from './payment-messages';

/** How long a payment request stays payable unless the caller says otherwise: a day. */
export const DEFAULT_REQUEST_LIFETIME_MS = 24 * 60 * 60 * 1000;
const SEND_DEADLINE_MS = 60_000;

export interface RequestOptions {
  /** BTC unless told otherwise. */
  currency?: Currency;
  memo?: string;
  /** 0 for a request that never expires. */
  lifetimeMs?: number;
}

export interface PayOptions {
  /** BTC unless told otherwise; the request paid must ask for it. */
  currency?: Currency;
  /** The request to pay (hex); by default the newest unpaid, unexpired one from the payee for this amount. */
  requestId?: string;
  memo?: string;
  /** Overrides the chain service's estimate: sat/vB for BTC, the whole relayer fee in sat for X-BTC. */
  feeRate?: bigint;
  /** The most the fee may be (base units); more is refused before anything is signed. */
  maxFee?: bigint;
}

/**
 * Payment requests and payments in the chat. They travel as end-to-end encrypted content
 * like any message; the money moves on chain through the currency adapter. A payment
 * received is shown only once the chain bears it out: the transaction's named output
 * pays the address of a request this account sent, the amount stated, at least the amount
 * asked. Anything else is shown as invalid, with the reason.
 */
export class Payments {
  constructor(
    private readonly keeper: StateKeeper,
    /** The outbox, or anything that sends content the same way. */
    private readonly outbox: Pick<Outbox, 'send'>,
    private readonly events: ClientEvents,
    /** The wallet of a currency; throws NO_WALLET on a device that has none. */
    private readonly walletOf: (currency: Currency) => CurrencyAdapter,
    private readonly report: (error: Error) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Asks `to` for `amount` (base units) at a fresh address of this wallet, and returns the request as sent. */
  async request(
    to: string,
    amount: bigint,
    { currency = BTC, memo = '', lifetimeMs = DEFAULT_REQUEST_LIFETIME_MS }: RequestOptions = {},
  ): Promise<PaymentRequestEntry> {
    checkRecipient(to);
    if (amount <= 0n) throw new WalletError(WalletErrorCode.InvalidAmount, `${amount} is no amount to request: it must be positive`);
    const wallet = this.walletOf(currency);
    const at = this.now();
    const expiresAtMs = lifetimeMs === 0 ? undefined : at + lifetimeMs;
    const address = await wallet.freshReceiveAddress();
    await wallet.expectPayment(address, amount, expiresAtMs);
    const requestId = randomBytes(REQUEST_ID_BYTES);
    const entry: PaymentRequestEntry = {
      direction: 'outgoing',
      counterparty: to,
      requestId: requestId.toString('hex'),
      currency: wallet.currency,
      amount,
      address,
      memo: checkMemo(memo),
      expiresAtMs,
      at,
    };
    // Kept before it is sent: a payment may answer it before the send returns.
    this.state().requests.push(stored(entry));
    await this.keeper.save();
    await this.sendContent(to, at, {
      paymentRequest: {
        requestId,
        currency: wallet.currency.wire,
        amount: Number(amount),
        address,
        memo: entry.memo,
        expiresAtMs: expiresAtMs ?? 0,
      },
    });
    this.events.emit('paymentRequest', entry);
    return entry;
  }

  /**
   * Pays a request `to` sent: builds and signs the transaction here, broadcasts it, then
   * tells `to` in the chat. Resolves with the payment as sent, its chain state as the
   * service reported it.
   */
  async pay(to: string, amount: bigint, { currency = BTC, requestId, memo = '', feeRate, maxFee }: PayOptions = {}): Promise<PaymentEntry> {
    checkRecipient(to);
    const request = this.payableRequest(to, currency, amount, requestId);
    const wallet = this.walletOf(currency);
    const sent = await wallet.send(wallet.sign(await wallet.prepare({ to: request.address, amount, feeRate, maxFee })));
    const at = this.now();
    const entry: PaymentEntry = {
      direction: 'outgoing',
      counterparty: to,
      requestId: request.requestId,
      currency: wallet.currency,
      amount,
      transactionId: sent.transactionId,
      outputIndex: sent.outputIndex,
      memo: checkMemo(memo),
      at,
      check: { state: sent.status.state, confirmations: sent.status.confirmations },
    };
    this.state().payments.push(stored(entry));
    await this.keeper.save();
    await this.tellPayee(entry, '');
    this.events.emit('payment', entry);
    return entry;
  }

  /**
   * Replaces a payment this account sent, still unconfirmed, with one paying a higher fee
   * rate (a BIP-125 fee bump for BTC), and tells the payee that it takes the old one's
   * place: one payment in both chats, not two. Resolves with the payment as it now stands.
   */
  async bump(transactionId: string, feeRate: bigint): Promise<PaymentEntry> {
    const kept = this.state().payments.find((candidate) => candidate.direction === 'outgoing' && candidate.transactionId === transactionId);
    if (kept === undefined) throw new ClientError(ClientErrorCode.InvalidArgument, `${transactionId} is no payment this account sent`);
    const wallet = this.walletOf(entryOf<PaymentEntry>(kept).currency);
    const sent = await wallet.send(wallet.sign(await wallet.prepareReplacement(transactionId, feeRate)));
    kept.transactionId = sent.transactionId;
    kept.outputIndex = sent.outputIndex;
    kept.check = { state: sent.status.state, confirmations: sent.status.confirmations };
    await this.keeper.save();
    const entry = entryOf<PaymentEntry>(kept);
    await this.tellPayee(entry, transactionId);
    this.events.emit('payment', entry);
    return entry;
  }

  /** Sends the payment message; the coins have moved, so a failure is reported, not thrown as if nothing was paid. */
  private async tellPayee(entry: PaymentEntry, replacesTransactionId: string): Promise<void> {
    try {
      await this.sendContent(entry.counterparty, this.now(), {
        payment: {
          requestId: Buffer.from(entry.requestId ?? '', 'hex'),
          currency: entry.currency.wire,
          amount: Number(entry.amount),
          transactionId: entry.transactionId,
          outputIndex: entry.outputIndex,
          memo: entry.memo,
          replacesTransactionId,
        },
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.report(
        new ClientError(
          ClientErrorCode.Refused,
          `paid ${entry.counterparty} in ${entry.transactionId}, but could not tell them in the chat: ${reason}`,
          undefined,
          { cause: error },
        ),
      );
    }
  }

  /** Every payment request and payment this device knows, oldest first. */
  list(): { requests: PaymentRequestEntry[]; payments: PaymentEntry[] } {
    const { requests, payments } = this.state();
    return {
      requests: requests.map((kept) => entryOf<PaymentRequestEntry>(kept)),
      payments: payments.map((kept) => entryOf<PaymentEntry>(kept)),
    };
  }

  /**
   * Takes a payment message from the inbox. It is kept at once (the inbox saves before it
   * acknowledges); a payment is then checked on the chain and shown again with the outcome.
   */
  received(incoming: { paymentRequest: ReceivedPaymentRequest } | { payment: ReceivedPayment }): void {
    if ('paymentRequest' in incoming) {
      const { from, requestId, currency, amount, address, memo, expiresAtMs, sentAt } = incoming.paymentRequest;
      const entry: PaymentRequestEntry = {
        direction: 'incoming',
        counterparty: from,
        requestId,
        currency,
        amount,
        address,
        memo,
        expiresAtMs,
        at: sentAt,
      };
      this.state().requests.push(stored(entry));
      this.events.emit('paymentRequest', entry);
      return;
    }
    const { from, requestId, currency, amount, transactionId, outputIndex, memo, sentAt, replacesTransactionId } = incoming.payment;
    const entry: PaymentEntry = {
      direction: 'incoming',
      counterparty: from,
      requestId,
      currency,
      amount,
      transactionId,
      outputIndex,
      memo,
      at: sentAt,
      check: { state: 'verifying' },
    };
    const payments = this.state().payments;
    // A fee bump takes the place of the payment it replaces: one payment, not two.
    const replaced = payments.findIndex(
      (kept) => kept.direction === 'incoming' && kept.counterparty === from && kept.transactionId === replacesTransactionId,
    );
    if (replaced === -1) payments.push(stored(entry));
    else payments[replaced] = stored(entry);
    this.events.emit('payment', entry);
    void this.verify(entry);
  }

  /** Checks again every received payment still being checked: after a restart, or once the chain service is back. */
  async verifyPending(): Promise<void> {
    const pending = this.state().payments.filter((kept) => kept.direction === 'incoming' && kept.check.state === 'verifying');
    await Promise.all(pending.map((kept) => this.verify(entryOf<PaymentEntry>(kept))));
  }

  /**
   * Catches up after time away (pushed statuses are not stored for an absent device): asks
   * the chain for every payment whose state can still change, then checks again what was
   * left unverified.
   */
  async catchUp(): Promise<void> {
    const final: readonly string[] = [
      TransferState.Replaced,
      TransferState.Dropped,
      TransferState.Expired,
      'invalid',
      'unverified',
      'verifying',
    ];
    const live = this.state()
      .payments.filter((kept) => !final.includes(kept.check.state))
      .map((kept) => entryOf<PaymentEntry>(kept));
    for (const currency of new Set(live.map((entry) => entry.currency))) {
      const wallet = this.walletOrWhyNot(currency);
      if (typeof wallet === 'string') continue;
      const txids = [...new Set(live.filter((entry) => entry.currency === currency).map((entry) => entry.transactionId))];
      for (const status of await wallet.statuses(txids)) await this.statusChanged(status);
    }
    await this.verifyPending();
  }

  /** A status the chain service pushed: every payment of that transaction moves to it (and is shown again only if that changes it). */
  async statusChanged(status: TransferStatus): Promise<void> {
    const changed = this.state().payments.filter(
      (kept) =>
        kept.transactionId === status.transactionId &&
        kept.check.state !== 'invalid' &&
        kept.check.state !== 'verifying' &&
        !(kept.check.state === status.state && 'confirmations' in kept.check && kept.check.confirmations === status.confirmations),
    );
    if (changed.length === 0) return;
    for (const kept of changed) kept.check = { state: status.state, confirmations: status.confirmations };
    await this.keeper.save();
    for (const kept of changed) this.events.emit('payment', entryOf<PaymentEntry>(kept));
  }

  private async verify(entry: PaymentEntry): Promise<void> {
    try {
      const check = await this.checkOnChain(entry);
      const kept = this.state().payments.find(
        (candidate) => candidate.transactionId === entry.transactionId && candidate.counterparty === entry.counterparty,
      );
      if (kept === undefined) return;
      kept.check = check;
      await this.keeper.save();
      this.events.emit('payment', { ...entry, check });
    } catch (error) {
      // The chain service is down, say: the payment stays "verifying" until verifyPending().
      this.report(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async checkOnChain(entry: PaymentEntry): Promise<PaymentCheck> {
    // A linked device has no wallet, and the requests its primary made are not here either.
    const wallet = this.walletOrWhyNot(entry.currency);
    if (typeof wallet === 'string') return { state: 'unverified', reason: wallet };
    const request = this.state().requests.find(
      (kept) => kept.direction === 'outgoing' && kept.requestId === entry.requestId && kept.counterparty === entry.counterparty,
    );
    if (request === undefined)
      return { state: 'invalid', reason: `it answers no payment request this account sent to ${entry.counterparty}` };
    const asked = entryOf<PaymentRequestEntry>(request);
    const unit = asked.currency.unitName;
    if (asked.currency !== entry.currency)
      return { state: 'invalid', reason: `it pays in ${entry.currency.symbol}; the request asked for ${asked.currency.symbol}` };
    if (entry.amount < asked.amount)
      return { state: 'invalid', reason: `wrong amount: it pays ${entry.amount} ${unit}; the request asked ${asked.amount} ${unit}` };
    // An address may be paid more than once (X-BTC reuses its one address): a transaction
    // counts for one request only, the first it was claimed for.
    const claimed = this.state().payments.find(
      (kept) =>
        kept.direction === 'incoming' &&
        kept.transactionId === entry.transactionId &&
        kept.requestId !== entry.requestId &&
        kept.check.state !== 'invalid' &&
        kept.check.state !== 'verifying',
    );
    if (claimed !== undefined) return { state: 'invalid', reason: `${entry.transactionId} already paid another request` };
    const verification = await wallet.verifyPayment({ ...entry, address: asked.address });
    return verification.valid ? checkOfConfirmations(verification.confirmations) : { state: 'invalid', reason: verification.reason };
  }

  /** The currency's wallet, or why this device has none (a linked device, or no such chain configured). */
  private walletOrWhyNot(currency: Currency): CurrencyAdapter | string {
    try {
      return this.walletOf(currency);
    } catch (error) {
      if (error instanceof WalletError && error.code === WalletErrorCode.NoWallet) return error.message;
      throw error;
    }
  }

  private payableRequest(from: string, currency: Currency, amount: bigint, requestId: string | undefined): PaymentRequestEntry {
    const now = this.now();
    const { requests, payments } = this.state();
    const paid = new Set(payments.filter((kept) => kept.direction === 'outgoing').map((kept) => kept.requestId));
    const candidates = requests
      .filter(
        (kept) => kept.direction === 'incoming' && kept.counterparty === from && entryOf<PaymentRequestEntry>(kept).currency === currency,
      )
      .filter((kept) =>
        requestId === undefined ? kept.amount === amount.toString() && !paid.has(kept.requestId) : kept.requestId === requestId,
      );
    const request = candidates.at(-1);
    if (request === undefined) {
      throw new ClientError(
        ClientErrorCode.InvalidArgument,
        requestId === undefined
          ? `${from} has sent no unpaid payment request for ${amount} ${currency.unitName} of ${currency.symbol}: ask them for one`
          : `${from} sent no payment request ${requestId}`,
      );
    }
    if (request.expiresAtMs !== undefined && request.expiresAtMs <= now) {
      throw new ClientError(
        ClientErrorCode.InvalidArgument,
        `the payment request from ${from} expired at ${new Date(request.expiresAtMs).toISOString()}: ask them for a new one`,
      );
    }
    if (request.amount !== amount.toString()) {
      throw new ClientError(
        ClientErrorCode.InvalidArgument,
        `the payment request ${request.requestId} asks ${request.amount} base units, not ${amount}`,
      );
    }
    return entryOf<PaymentRequestEntry>(request);
  }

  private async sendContent(to: string, at: number, body: ContentBody): Promise<void> {
    await this.outbox.send({ to, body, clientMessageId: randomBytes(CLIENT_MESSAGE_ID_BYTES), clientTimestampMs: at }, SEND_DEADLINE_MS);
  }

  private state(): PaymentsState {
    this.keeper.state.payments ??= { requests: [], payments: [] };
    return this.keeper.state.payments;
  }
}

function checkRecipient(to: string): void {
  if (!isAccountId(to)) throw new ClientError(ClientErrorCode.InvalidArgument, `"${to}" is not an account ID (coming1…)`);
}
