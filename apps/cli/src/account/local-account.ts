import {
  type BitcoinNetwork,
  ClientError,
  ClientErrorCode,
  ComingClient,
  parseAmount,
  type ReceivedMessage,
  type SmsPolicy,
  type SmsRouteView as ClientSmsRoute,
  WalletError,
  XBTC,
} from '@coming/client';
import { wire } from '@coming/proto';
import { CliError } from '../cli.errors';
import type { CliIo } from '../cli-io';
import type { Contact } from '../contacts/contact-book';
import { ExitCode } from '../exit-codes';
import type { UnlockedHome } from '../home/home';
import { escapeForTerminal } from '../output/safe-text';
import type { SmsCarrier } from '@coming/sms';
import { openSmsCarrier, type SmsSetting, smsChoicesOf } from '../sms/sms-carrier-of';
import type { Account, CurrencyName, HistoryView, PayChoices, SendView, SmsRouteView, Subscriber } from './account';
import { connectWithin } from './connect-within';
import { type DevicesView, devicesView, removedDeviceView } from './device-views';
import { historyView, messageView, sendView } from './message-views';
import { bitcoinNetworkOf, NETWORK_VARIABLE } from '../wallet/bitcoin-network-of';
import { currencyOf, XBTC_CHAIN_ID_VARIABLE, XBTC_TOKEN_VARIABLE, xbtcTokenOf } from '../wallet/currency-of';
import { type PaymentRequestView, type PaymentView, paymentRequestView, paymentView, type WalletView } from '../wallet/payment-views';

// Device management is one request each way; a server silent this long is down.
const DEVICE_REQUEST_TIMEOUT_MS = 10_000;

export interface LocalAccountOptions {
  io: CliIo;
  server: string;
  /** False for a one-off send: it then leaves a listener on the same home connected. */
  receive: boolean;
  /** The SMS carrier to open beside the server, for the commands that send or receive messages. */
  sms?: SmsSetting;
}

/** The account of an unlocked home, served by a client in this process. */
export class LocalAccount implements Account {
  /** Received messages are recorded and handed on in arrival order, one after another. */
  private received: Promise<void> = Promise.resolve();
  /** Set once subscribed (listen, the daemon): messages then flow and are recorded already. */
  private listening = false;
  /** What was stored on the server, taken into the history; see drain. */
  private drained: Promise<void> | undefined;

  private constructor(
    private readonly home: UnlockedHome,
    private readonly client: ComingClient,
    private readonly io: CliIo,
    private readonly server: string,
    private readonly network: BitcoinNetwork,
    private readonly hasXbtc: boolean,
    /** Open while this command may send or receive by SMS; closed after the client. */
    private readonly smsCarrier: SmsCarrier | undefined,
  ) {}

  static async open(home: UnlockedHome, { io, server, receive, sms }: LocalAccountOptions): Promise<LocalAccount> {
    const networkName = io.env[NETWORK_VARIABLE];
    const bitcoin = { network: bitcoinNetworkOf(networkName) };
    const token = xbtcTokenOf(io.env, networkName ?? 'regtest');
    const smsChoices = sms === undefined ? {} : smsChoicesOf(io.env);
    const carrier = sms === undefined ? undefined : await openSmsCarrier(sms, io.env);
    const client = await ComingClient.open({
      store: home.store,
      server,
      receive,
      bitcoin,
      ...(token === undefined ? {} : { xbtc: { token } }),
      ...(carrier === undefined || sms === undefined ? {} : { sms: { carrier, ownNumber: sms.phone, ...smsChoices } }),
    }).catch(async (error: unknown) => {
      await carrier?.close();
      throw error;
    });
    reportWarnings(client, io);
    const account = new LocalAccount(home, client, io, server, bitcoin.network, token !== undefined, carrier);
    // This device's sends and, while listening, the account's other devices' (sync
    // transcripts) go into one history.
    client.on('sent', ({ to, text, sentAt }) =>
      account.inOrder(() => home.history.record({ direction: 'sent', contact: to, text, sentAt })),
    );
    return account;
  }

  async accountId(): Promise<string> {
    return this.client.accountId;
  }

  async send(to: string, text: string, timeoutMs: number): Promise<SendView> {
    const accountId = await this.home.contacts.resolve(to);
    const deadline = Date.now() + timeoutMs;
    const sentAt = Date.now();
    // With SMS the client chooses the carrier itself: a server that does not answer is no failure then.
    if (this.smsCarrier === undefined) await connectWithin(this.client, this.io, this.server, deadline);
    const report = await this.client.send(accountId, text, { deadlineMs: Math.max(1, deadline - Date.now()) }).catch((error: unknown) => {
      throw inUserTerms(error, accountId);
    });
    return sendView(accountId, await this.home.contacts.nameOf(accountId), sentAt, report);
  }

  contacts(): Promise<Contact[]> {
    return this.home.contacts.list();
  }

  addContact(name: string, accountId: string): Promise<Contact> {
    return this.home.contacts.add(name, accountId);
  }

  removeContact(name: string): Promise<void> {
    return this.home.contacts.remove(name);
  }

  async setContactPhone(contact: string, phone: string, device: number | undefined): Promise<SmsRouteView> {
    const accountId = await this.home.contacts.resolve(contact);
    // The keys a first message over SMS needs are fetched now, if the server answers.
    await this.connected().catch((error: unknown) => {
      this.io.stderr.write(
        `warning: no keys cached for SMS (${escapeForTerminal(error instanceof Error ? error.message : String(error))})\n`,
      );
    });
    return this.routeView(await this.client.sms.setRoute(accountId, { phone, ...(device === undefined ? {} : { device }) }));
  }

  async setTransport(contact: string, transport: SmsPolicy): Promise<SmsRouteView> {
    return this.routeView(await this.client.sms.setPolicy(await this.home.contacts.resolve(contact), transport));
  }

  async history(contact: string, limit: number): Promise<HistoryView[]> {
    const accountId = await this.home.contacts.resolve(contact);
    const name = await this.home.contacts.nameOf(accountId);
    return (await this.home.history.with(accountId, limit)).map((entry) => historyView(entry, name));
  }

  async subscribe(subscriber: Subscriber, { max, deadline }: { max?: number; deadline?: number }): Promise<void> {
    this.listening = true;
    this.client.onMessage((message) => this.inOrder(() => this.receive(message, subscriber)), max === undefined ? {} : { max });
    // After the messages before it, so that "caught up" is never said before they are shown.
    this.client.onQueueEmpty(() => this.inOrder(async () => subscriber.caughtUp()));
    this.client.on('devicesRemoved', (removed) => subscriber.devicesRemoved(removed.map(removedDeviceView)));
    const name = (accountId: string) => this.home.contacts.nameOf(accountId);
    this.client.on('paymentRequest', (entry) =>
      this.inOrder(async () =>
        subscriber.payment({ type: 'payment_request', status: 'requested', ...paymentRequestView(entry, await name(entry.counterparty)) }),
      ),
    );
    this.client.on('payment', (entry) =>
      this.inOrder(async () => subscriber.payment({ type: 'payment', ...paymentView(entry, await name(entry.counterparty)) })),
    );
    this.client.onConnectionClosed((code, reason) => {
      const ended = endOf(code);
      if (ended !== undefined) subscriber.ended(ended);
      else this.io.stderr.write(`connection lost (${code}${reason === '' ? '' : ` ${escapeForTerminal(reason)}`}); reconnecting\n`);
    });
    if (this.smsCarrier === undefined) {
      await connectWithin(this.client, this.io, this.server, deadline);
      return;
    }
    // Over SMS too: messages flow while the server is away, and the connection comes when it answers.
    void connectWithin(this.client, this.io, this.server, undefined).catch((error: unknown) => {
      this.io.stderr.write(`warning: ${escapeForTerminal(error instanceof Error ? error.message : String(error))}\n`);
    });
  }

  async devices(): Promise<DevicesView> {
    await this.connected();
    return devicesView(await this.client.devices());
  }

  async removeDevice(id: number): Promise<void> {
    await this.connected();
    await this.client.removeDevice(id);
  }

  async nameThisDevice(name: string): Promise<void> {
    await this.connected();
    await this.client.nameThisDevice(name);
  }

  async approveLink(linkCode: string): Promise<void> {
    await this.connected();
    await this.client.approveLink(linkCode);
  }

  async wallet(): Promise<WalletView> {
    await this.onServerNetwork();
    const { confirmed, unconfirmed } = await this.client.wallet.balance();
    return {
      confirmedSat: Number(confirmed),
      unconfirmedSat: Number(unconfirmed),
      address: await this.client.wallet.freshReceiveAddress(),
      ...(await this.xbtcBalance()),
    };
  }

  async requestPayment(
    contact: string,
    amount: string,
    { currency, memo }: { currency: CurrencyName; memo: string },
  ): Promise<PaymentRequestView> {
    const chosen = this.currency(currency);
    const units = parseAmount(chosen, amount);
    const accountId = await this.home.contacts.resolve(contact);
    await this.onServerNetwork();
    const entry = await this.client.payments.request(accountId, units, { currency: chosen, memo });
    return paymentRequestView(entry, await this.home.contacts.nameOf(accountId));
  }

  async pay(contact: string, amount: string, { currency, memo, feeRate, fee, maxFee }: PayChoices): Promise<PaymentView> {
    const chosen = this.currency(currency);
    const units = parseAmount(chosen, amount);
    // Each currency has its own kind of fee: a rate for BTC, a whole fee to sign for X-BTC.
    if (chosen === XBTC && feeRate !== undefined) {
      throw new CliError(ExitCode.Usage, "--fee-rate is BTC's: an X-BTC transfer pays the relayer's fee (cap it with --max-fee)");
    }
    const accountId = await this.home.contacts.resolve(contact);
    // The payee's request may still be on the server: take what is waiting first.
    await this.drain(Date.now() + DEVICE_REQUEST_TIMEOUT_MS);
    await this.onServerNetwork();
    const chosenFee = chosen === XBTC ? fee : feeRate;
    const entry = await this.client.payments.pay(accountId, units, {
      currency: chosen,
      memo,
      ...(chosenFee === undefined ? {} : { feeRate: BigInt(chosenFee) }),
      ...(maxFee === undefined ? {} : { maxFee: BigInt(maxFee) }),
    });
    return paymentView(entry, await this.home.contacts.nameOf(accountId));
  }

  async xbtcFeeQuote(): Promise<number> {
    this.currency('xbtc');
    // As `pay` does, which follows: the payee's request may be waiting on the server.
    await this.drain(Date.now() + DEVICE_REQUEST_TIMEOUT_MS);
    await this.connected();
    return Number(await this.client.xbtcChain.feeQuote());
  }

  async bump(txid: string, feeRate: number): Promise<PaymentView> {
    await this.onServerNetwork();
    const entry = await this.client.payments.bump(txid, BigInt(feeRate));
    return paymentView(entry, await this.home.contacts.nameOf(entry.counterparty));
  }

  async payments(): Promise<PaymentView[]> {
    await this.drain(Date.now() + DEVICE_REQUEST_TIMEOUT_MS);
    await this.client.payments.catchUp();
    const { payments } = this.client.payments.list();
    return Promise.all(payments.map(async (entry) => paymentView(entry, await this.home.contacts.nameOf(entry.counterparty))));
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.received;
    await this.smsCarrier?.close();
  }

  private async routeView({ accountId, phone, device, policy }: ClientSmsRoute): Promise<SmsRouteView> {
    return { contact: accountId, contactName: (await this.home.contacts.nameOf(accountId)) ?? null, phone, device, transport: policy };
  }

  /** The currency a command names, refused when this home has no X-BTC token configured. */
  private currency(name: CurrencyName) {
    const currency = currencyOf(name);
    if (currency === XBTC && !this.hasXbtc) {
      throw new CliError(
        ExitCode.Usage,
        `no X-BTC on ${this.network.name} unless ${XBTC_TOKEN_VARIABLE} and ${XBTC_CHAIN_ID_VARIABLE} name the token (regtest has a default)`,
      );
    }
    return currency;
  }

  /**
   * The X-BTC side of `wallet`: its balance and address. A server whose X-BTC chain does not
   * answer leaves the BTC balance readable: the balance is then null, and stderr says why.
   */
  private async xbtcBalance(): Promise<Pick<WalletView, 'xbtcSat' | 'evmAddress'>> {
    if (!this.hasXbtc) return { xbtcSat: null, evmAddress: null };
    const wallet = this.client.xbtcWallet;
    const evmAddress = await wallet.freshReceiveAddress();
    try {
      const { confirmed, unconfirmed } = await wallet.balance();
      return { xbtcSat: Number(confirmed + unconfirmed), evmAddress };
    } catch (error) {
      if (!(error instanceof ClientError || error instanceof WalletError)) throw error;
      this.io.stderr.write(`warning: no X-BTC balance: ${escapeForTerminal(error.message)}\n`);
      return { xbtcSat: null, evmAddress };
    }
  }

  private connected(): Promise<void> {
    return connectWithin(this.client, this.io, this.server, Date.now() + DEVICE_REQUEST_TIMEOUT_MS);
  }

  private async receive(message: ReceivedMessage, subscriber: Subscriber): Promise<void> {
    await this.record(message);
    subscriber.message(messageView(message, await this.home.contacts.nameOf(message.from)));
  }

  private async record({ from, text, sentAt, receivedAt, serverGuid }: ReceivedMessage): Promise<void> {
    await this.home.history.record({ direction: 'received', contact: from, text, sentAt, receivedAt, serverGuid });
  }

  /**
   * Takes everything stored for this device (payment requests and payments among it), the
   * messages into the history, so that a payment command acts on what contacts sent.
   */
  private drain(deadline: number): Promise<void> {
    if (this.listening) return Promise.resolve();
    // Once: the server hands stored messages over, and says so, once a connection; a second
    // wait for "caught up" would never end.
    return (this.drained ??= this.drainOnce(deadline));
  }

  private async drainOnce(deadline: number): Promise<void> {
    const caughtUp = new Promise<void>((resolve) => this.client.onQueueEmpty(resolve));
    this.client.onMessage((message) => this.inOrder(() => this.record(message)));
    await connectWithin(this.client, this.io, this.server, deadline);
    await caughtUp;
    await this.received;
  }

  /** Refuses a wallet on another chain than the server's: its addresses would be another network's. */
  private async onServerNetwork(): Promise<void> {
    await this.connected();
    const ours = this.network;
    const theirs = await this.client.chain.network();
    if (theirs.bech32 !== ours.bech32) {
      throw new CliError(
        ExitCode.Usage,
        `${NETWORK_VARIABLE} selects ${ours.name} ("${ours.bech32}" addresses) but the server's chain is ${theirs.name} ("${theirs.bech32}")`,
      );
    }
  }

  private inOrder(step: () => Promise<void>) {
    this.received = this.received.then(step).catch((error: unknown) => {
      this.io.stderr.write(`warning: ${escapeForTerminal(error instanceof Error ? error.message : String(error))}\n`);
    });
  }
}

/** The close codes after which the SDK stays disconnected, as the errors they end a listener with. */
function endOf(code: number): CliError | undefined {
  if (code === (wire.CloseCode.CLOSE_CODE_DISPLACED as number)) {
    return new CliError(
      ExitCode.Displaced,
      'another connection of this device took over (close 4409): is a "coming listen" or "coming daemon" running on this home elsewhere?',
    );
  }
  if (code === (wire.CloseCode.CLOSE_CODE_REVOKED as number)) {
    return new CliError(
      ExitCode.Displaced,
      'this device was removed from its account (close 4410): it can no longer send or receive; link it again in a new home',
    );
  }
  return undefined;
}

/** The server's words for a recipient, in the user's. */
function inUserTerms(error: unknown, accountId: string): unknown {
  if (
    error instanceof ClientError &&
    error.code === ClientErrorCode.Rejected &&
    error.serverError?.code === wire.ErrorCode.ERROR_CODE_UNKNOWN_ACCOUNT
  ) {
    return new CliError(ExitCode.Refused, `no account ${accountId} (never registered)`, { cause: error });
  }
  return error;
}

/** Tells the user, on stderr, what the client noticed that is not a failure of the command. */
function reportWarnings(client: ComingClient, io: CliIo): void {
  client.onIdentityChanged((accountId) => io.stderr.write(`warning: the identity key of ${accountId} changed\n`));
  client.onError((error) => io.stderr.write(`warning: ${escapeForTerminal(error.message)}\n`));
}
