import { audienceOfServerUrl, createMnemonic, isAccountId } from '@coming/identity';
import { CLIENT_MESSAGE_ID_BYTES, wire } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { AccountSession } from './account-session';
import { ClientError, ClientErrorCode } from './client.errors';
import { ConnectionKeeper } from './connection/connection-keeper';
import { ServerHealth } from './connection/server-health';
import { DeviceManager } from './devices/device-manager';
import type { DeviceListing } from './devices/device-management';
import { type LinkOptions, linkThisDevice } from './devices/link-this-device';
import { type ClientEventListener, type ClientEventName, ClientEvents } from './events/client-events';
import type { DeviceIdentity } from './identity/device-identity';
import { PrimaryIdentity } from './identity/primary-identity';
import { ensureNoIdentity, identityOfState } from './identity/stored-identity';
import { KeyUpkeep } from './keys/key-upkeep';
import { Payments } from './payments/payments';
import type { ReceivedMessage } from './received-message';
import { EnvelopeReader, unreadableError } from './receiving/envelope-reader';
import type { Incoming } from './receiving/incoming-content';
import { Inbox } from './receiving/inbox';
import { RecipientDevices } from './recipients/recipient-devices';
import { Outbox, type OutgoingMessage, type SendResult } from './sending/outbox';
import { RefusedCopies } from './sending/refused-copies';
import { ServerBacklog } from './sending/server-backlog';
import { SyncTranscripts } from './sending/sync-transcripts';
import { SerialQueue } from './serial-queue';
import { ClientSignalStore } from './signal/client-signal-store';
import { EndToEnd } from './signal/end-to-end';
import { StateKeeper } from './state-keeper';
import type { ClientState, ClientStore } from './store/client-store';
import { LoginApi } from './transport/login-api';
import { ServerConnection } from './transport/server-connection';
import { SmsControls, type SmsOptions, checkedSmsOptions } from './transport/sms/sms-controls';
import { SmsInbound } from './transport/sms/sms-inbound';
import { SmsOutbound } from './transport/sms/sms-outbound';
import { SmsRoutes } from './transport/sms/sms-routes';
import { ServerChainApi, transferStatusOf } from './wallet/bitcoin/server-chain-api';
import { ServerXbtcChainApi, xbtcTransferStatusOf } from './wallet/xbtc/server-xbtc-chain-api';
import { XBTC } from './wallet/currency';
import { type BitcoinOptions, type XbtcOptions, walletOfState, xbtcWalletOfState } from './wallet/wallet-of-state';
import type { CurrencyAdapter } from './wallet/currency-adapter';

export interface ComingClientOptions {
  store: ClientStore;
  /** Gateway URL, e.g. ws://127.0.0.1:8080. */
  server: string;
  /**
   * The audience login signatures name. Default: the host name of `server`, which is what
   * binds a signature to the server this client chose to reach. Set it only for a
   * deployment reached by a name it does not list in AUTH_AUDIENCE.
   */
  audience?: string;
  /**
   * False for a client that only sends (the CLI's send): it gets no messages and does not
   * displace the device's receiving connection. Default true.
   */
  receive?: boolean;
  /**
   * The Bitcoin network and the chain service the wallet uses. Without it, the client has
   * no wallet (payment messages are still received, shown unverified).
   */
  bitcoin?: BitcoinOptions;
  /** The X-BTC token and the chain service its wallet uses. Without it, the client has no X-BTC wallet. */
  xbtc?: XbtcOptions;
  /**
   * SMS as a second carrier of the same sessions. Without it, contacts' routes can still be
   * set (`client.sms`), and every message goes by the server.
   */
  sms?: SmsOptions;
}

export interface SendOptions {
  /** Give up after this long; the same client message ID is used on every retry. */
  deadlineMs?: number;
}

/** What became of a sent message on each of the recipient's devices. */
export interface SendReport extends SendResult {
  /**
   * One per recipient device when the server took the message: delivered, stored, or
   * refused with the reason (a full mailbox, say). Refused copies are resent later, on
   * their own, while the client stays open; errors from that are reported through
   * `onError`. Empty when the message went by SMS, or waits for the server.
   */
  outcomes: wire.DeviceOutcome[];
}

export type MessageListener = (message: ReceivedMessage) => void;

export interface ListenOptions {
  /** Take at most this many messages; later ones stay on the server for another session. */
  max?: number;
}

const MAX_TEXT_BYTES = 64 * 1024;

/** Events that carry content from contacts: a listener for any of them makes the client take messages. */
const CONTENT_EVENTS: readonly ClientEventName[] = ['message', 'paymentRequest', 'payment'];

/**
 * A Coming account on one device. A thin facade: each job is a part with its own slice
 * of the state (connection keeping, key upkeep, recipient devices, sending, receiving,
 * the account's devices), and every event goes out through one emitter.
 */
export class ComingClient {
  private readonly events = new ClientEvents();
  private readonly connection: ConnectionKeeper;
  private readonly refusedCopies: RefusedCopies;
  private readonly outbox: Outbox;
  private readonly transcripts: SyncTranscripts;
  private readonly inbox: Inbox;
  private readonly smsInbound: SmsInbound | undefined;
  private readonly deviceManager: DeviceManager;
  private currencyAdapter: CurrencyAdapter | undefined;
  private readonly openWallet: () => CurrencyAdapter;
  private xbtcAdapter: CurrencyAdapter | undefined;
  private readonly xbtc: XbtcOptions | undefined;
  /** Payment requests and payments in the chat. */
  readonly payments: Payments;
  /** The server's payments service: the chain the wallet uses unless `bitcoin.chain` names another. */
  readonly chain: ServerChainApi;
  /** The payments service's X-BTC side: the X-BTC wallet's chain unless `xbtc.chain` names another. */
  readonly xbtcChain: ServerXbtcChainApi;
  /** Contacts' SMS routes and policies, kept on this device only. */
  readonly sms: SmsControls;

  private constructor(
    private readonly keeper: StateKeeper,
    identity: DeviceIdentity,
    { server, audience, receive = true, bitcoin, xbtc, sms }: ComingClientOptions,
  ) {
    this.xbtc = xbtc;
    // Checked first: a client with unusable SMS options is not made at all.
    const smsOptions = sms && checkedSmsOptions(sms);
    const report = (error: Error) => this.events.emit('error', error);
    const signal = new SerialQueue();
    const signalStore = new ClientSignalStore(keeper, identity.identityKeyPair);
    const endToEnd = new EndToEnd(signalStore, identity.identityKey, (accountId) => this.events.emit('identityChanged', accountId));
    const recipients = new RecipientDevices(keeper);
    const keys = new KeyUpkeep(keeper, signalStore, identity.identityKey, signal);
    const session = new AccountSession(keeper, new LoginApi(server), audience ?? audienceOfServerUrl(server), identity);
    const health = new ServerHealth();
    const routes = new SmsRoutes(keeper);
    this.connection = new ConnectionKeeper({
      health,
      tokens: session,
      dial: (accessToken, events) => ServerConnection.connect(server, accessToken, events, receive),
      prepare: async (link) => {
        await keys.publishIfNew(link);
        // Status pushes are not stored for an absent device: ask what changed meanwhile.
        void this.payments.catchUp().catch(report);
        // Messages sent by SMS or kept while the server was away: their copies for the server.
        void this.outbox.flushBacklog().catch(report);
      },
      pushes: {
        onDeliver: (envelope) => this.inbox.receive(envelope),
        onQueueEmpty: () => this.events.emit('queueEmpty'),
        onDevicesRemoved: (removed) => void this.deviceManager.removed(removed).catch(report),
        onPaymentStatus: (pushed) => {
          const status = transferStatusOf(pushed);
          if (status !== undefined) void this.payments.statusChanged(status).catch(report);
        },
        onXbtcTransferStatus: (pushed) => {
          const status = xbtcTransferStatusOf(pushed);
          if (status !== undefined) void this.payments.statusChanged(status).catch(report);
        },
        onKeysLow: () => {
          this.connection
            .connected()
            .then((link) => keys.refill(link))
            .catch((error: unknown) => report(error instanceof Error ? error : new Error(String(error))));
        },
      },
      onClosed: (code, reason) => this.events.emit('connectionClosed', code, reason),
      onGaveUp: report,
      wantsConnection: () => this.takesMessages(),
    });
    const connected = () => this.connection.connected();
    this.deviceManager = new DeviceManager(keeper, identity, connected, recipients, this.events);
    this.refusedCopies = new RefusedCopies(async (request) => ({ outcomes: await (await connected()).send(request) }), report);
    this.outbox = new Outbox(keeper, connected, endToEnd, recipients, this.refusedCopies, signal, new ServerBacklog(keeper), {
      routes,
      health,
      outageMs: smsOptions?.outageMs ?? 0,
      ...(smsOptions && { sms: new SmsOutbound(smsOptions.carrier, smsOptions.mode) }),
      report,
    });
    this.transcripts = new SyncTranscripts(this.outbox, identity.accountId, report);
    this.chain = new ServerChainApi(async () => (await connected()).requestChain);
    this.xbtcChain = new ServerXbtcChainApi(async () => (await connected()).requestChain);
    this.openWallet = () => (this.currencyAdapter ??= walletOfState(keeper, bitcoin, this.chain));
    this.payments = new Payments(
      keeper,
      this.outbox,
      this.events,
      (currency) => (currency === XBTC ? this.xbtcWallet : this.openWallet()),
      report,
    );
    const reader = new EnvelopeReader(endToEnd, recipients, signal, identity.accountId);
    this.inbox = new Inbox(keeper, {
      accepting: () => this.takesMessages(),
      open: (envelope, via) => reader.read(envelope, via),
      deliver: (incoming) => this.deliver(incoming),
      reject: (envelope, error) => report(unreadableError(envelope, error)),
      acknowledge: async (serverGuids) => (await connected()).acknowledge(serverGuids),
      halt: (error) => void this.halt(error),
    });
    this.smsInbound =
      smsOptions &&
      new SmsInbound(
        smsOptions.carrier,
        keeper,
        () => {
          const { accountId, deviceId } = keeper.state;
          return deviceId === undefined ? undefined : { accountId, deviceId };
        },
        (envelope) => this.inbox.receiveSms(envelope),
        report,
      );
    this.sms = new SmsControls(keeper, routes, endToEnd, connected, smsOptions, this.smsInbound);
  }

  /** Creates an identity from a fresh mnemonic, or restores one from `mnemonic`. */
  static async create(options: ComingClientOptions, mnemonic?: string): Promise<ComingClient> {
    await ensureNoIdentity(options.store);
    const phrase = mnemonic ?? createMnemonic();
    const identity = new PrimaryIdentity(phrase);
    const state: ClientState = { mnemonic: phrase, accountId: identity.accountId, recipients: {}, seen: [] };
    const keeper = new StateKeeper(state, options.store);
    await keeper.save();
    return new ComingClient(keeper, identity, options);
  }

  /**
   * Makes this a new device of an existing account: reports a link code through
   * `onLinkCode` for the account's primary to approve (`approveLink`), waits for it, then
   * registers and resolves with the open client. Rejects with IDENTITY when the home holds
   * an identity already, and with TIMEOUT when the link code expired unapproved. The new
   * device never receives the recovery phrase or the account key.
   */
  static async link(options: ComingClientOptions, linkOptions: LinkOptions): Promise<ComingClient> {
    const { keeper, identity } = await linkThisDevice(options.store, options.server, linkOptions);
    const client = new ComingClient(keeper, identity, options);
    await client.register();
    return client;
  }

  static async open(options: ComingClientOptions): Promise<ComingClient> {
    const state = await options.store.load();
    if (state === null) throw new ClientError(ClientErrorCode.Identity, 'no identity in this home yet: run "init" first');
    return new ComingClient(new StateKeeper(state, options.store), identityOfState(state), options);
  }

  get accountId(): string {
    return this.keeper.state.accountId;
  }

  /**
   * The account's wallet: on the primary device only, since its keys derive from the
   * recovery phrase. Throws NO_WALLET on a linked device or without `bitcoin` options.
   */
  get wallet(): CurrencyAdapter {
    return this.openWallet();
  }

  /**
   * The account's X-BTC wallet, beside the Bitcoin one: on the primary device only. Throws
   * NO_WALLET on a linked device or without `xbtc` options.
   */
  get xbtcWallet(): CurrencyAdapter {
    const { xbtc } = this;
    return (this.xbtcAdapter ??= xbtcWalletOfState(this.keeper, xbtc && { token: xbtc.token, chain: xbtc.chain ?? this.xbtcChain }));
  }

  /** The recovery phrase; only the account's primary device holds it. */
  get mnemonic(): string {
    const { mnemonic } = this.keeper.state;
    if (mnemonic === undefined) {
      throw new ClientError(
        ClientErrorCode.Identity,
        "this is a linked device: it holds no recovery phrase (only the account's primary device does)",
      );
    }
    return mnemonic;
  }

  /** True on the account's primary device (it holds the recovery phrase); false on a linked device. */
  get isPrimary(): boolean {
    return this.keeper.state.mnemonic !== undefined;
  }

  /** Approves the new device showing `linkCode` (primary only); resolves once that device has what it needs. */
  async approveLink(linkCode: string): Promise<void> {
    await this.deviceManager.approveLink(linkCode);
  }

  /** The account's devices, their names opened and this one marked, and those removed lately. */
  async devices(): Promise<DeviceListing> {
    return this.deviceManager.list();
  }

  /** Names this device; the server stores the name sealed, under a key only the account's devices hold. */
  async nameThisDevice(name: string): Promise<void> {
    await this.deviceManager.nameThisDevice(name);
  }

  /** Removes another device of the account (primary only, signed by the account key); it is disconnected for good. */
  async removeDevice(deviceId: number): Promise<void> {
    await this.deviceManager.remove(deviceId);
  }

  /** Logs in and publishes this device's keys; on first use this registers the account and device. */
  async register(): Promise<void> {
    await this.connection.connected();
  }

  /**
   * Encrypts a text for every device of the recipient and resolves once the server has
   * taken it: each device's copy delivered, stored or refused (see SendReport). Retries,
   * with the same client message ID, only while the server is unreachable or asks to wait.
   * Under the contact's SMS policy (`client.sms`) it goes by SMS instead: under `sms`
   * always, under `auto` once the server has been unreachable for `sms.outageMs`, its
   * copies then kept for the server too and handed over when it is back. Then emits
   * `sent`, and copies the message to this account's other devices.
   */
  async send(to: string, text: string, { deadlineMs = 60_000 }: SendOptions = {}): Promise<SendReport> {
    if (!isAccountId(to)) throw new ClientError(ClientErrorCode.InvalidArgument, `"${to}" is not an account ID (coming1…)`);
    if (Buffer.byteLength(text) > MAX_TEXT_BYTES)
      throw new ClientError(ClientErrorCode.InvalidArgument, `text is over ${MAX_TEXT_BYTES} bytes`);
    const message: OutgoingMessage = {
      to,
      body: { text: { text } },
      clientMessageId: randomBytes(CLIENT_MESSAGE_ID_BYTES),
      clientTimestampMs: Date.now(),
    };
    const report = await this.outbox.send(message, deadlineMs);
    const { outcomes, sms, queuedForServer } = report;
    if (outcomes.length + sms.length + queuedForServer.length === 0) return report;
    this.events.emit('sent', {
      to,
      text,
      sentAt: message.clientTimestampMs,
      fromThisDevice: true,
      fromDevice: this.keeper.state.deviceId ?? 0,
      clientMessageId: Buffer.from(message.clientMessageId).toString('hex'),
    });
    // A message the server did not take: its transcript waits for the server too, rather than hold up the send.
    await this.transcripts.copy(message, deadlineMs, { queueIfUnreachable: outcomes.length === 0 });
    return report;
  }

  /** Calls `listener` on each `event` until the returned function is called. */
  on<Name extends ClientEventName>(event: Name, listener: ClientEventListener<Name>): () => void {
    const stop = this.events.on(event, listener);
    if (CONTENT_EVENTS.includes(event)) {
      this.inbox.resume();
      this.smsInbound?.start();
    }
    return stop;
  }

  /** Calls `listener` once per new message, up to `max`, until the returned function is called. */
  onMessage(listener: MessageListener, { max = Number.POSITIVE_INFINITY }: ListenOptions = {}): () => void {
    let remaining = max;
    const stop = this.on('message', (message) => {
      remaining -= 1;
      // Stopping first: with no listener left, the next message stays on the server.
      if (remaining <= 0) stop();
      listener(message);
    });
    return stop;
  }

  /** Calls `listener` when a contact's identity key changed (it is still signed by their account key). */
  onIdentityChanged(listener: (accountId: string) => void): () => void {
    return this.on('identityChanged', listener);
  }

  /** Calls `listener` with problems that have no caller to throw to, such as an undecryptable message. */
  onError(listener: (error: Error) => void): () => void {
    return this.on('error', listener);
  }

  /** Calls `listener` each time the server has pushed everything stored while away. */
  onQueueEmpty(listener: () => void): () => void {
    return this.on('queueEmpty', listener);
  }

  /** Calls `listener` with the close code whenever the connection drops (4409: signed in elsewhere). */
  onConnectionClosed(listener: (code: number, reason: string) => void): () => void {
    return this.on('connectionClosed', listener);
  }

  /** Opens the connection, so that stored and live messages start arriving. */
  async connect(): Promise<void> {
    await this.connection.connected();
  }

  /** Finishes acknowledging what was received, then disconnects for good. */
  async close(): Promise<void> {
    // Acknowledgements still in flight need the connection: settle them before closing.
    await this.inbox.settled();
    this.refusedCopies.close();
    await this.connection.close();
    await this.keeper.save();
  }

  /** Finishes acknowledging what was received and drops the connection; a later call reconnects. */
  async disconnect(): Promise<void> {
    await this.inbox.settled();
    await this.connection.disconnect();
    await this.keeper.save();
  }

  private deliver(incoming: Incoming): void {
    if ('message' in incoming) this.events.emit('message', incoming.message);
    else if ('sent' in incoming) this.events.emit('sent', incoming.sent);
    else this.payments.received(incoming);
  }

  private takesMessages(): boolean {
    return CONTENT_EVENTS.some((event) => this.events.listenerCount(event) > 0);
  }

  /** The store cannot save: stop receiving, so that nothing is acknowledged that a restart would not know of. */
  private async halt(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = new ClientError(
      ClientErrorCode.StoreFailed,
      `${reason}; stopped receiving, and the messages not acknowledged stay on the server for the next run`,
      undefined,
      { cause },
    );
    this.events.emit('error', error);
    this.refusedCopies.close();
    await this.connection.halt(error);
  }
}
