import {
  accountKeyFromSeed,
  audienceOfServerUrl,
  createMnemonic,
  isAccountId,
  seedFromMnemonic,
  signalIdentityKeyFromSeed,
} from '@coming/identity';
import { CLIENT_MESSAGE_ID_BYTES, MAX_ACKS_PER_FRAME, type messaging, wire } from '@coming/proto';
import { curveKeyPairFromPrivateKey } from '@coming/signal';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AccountSession } from './account-session';
import { ClientError, ClientErrorCode } from './client.errors';
import { Inbox } from './inbox';
import type { ReceivedMessage } from './received-message';
import { RefusedCopies } from './refused-copies';
import { backoff, retryDelayMs } from './retry';
import { SerialQueue } from './serial-queue';
import { ClientSignalStore } from './signal/client-signal-store';
import { firstUpload, newSignalState, topUp } from './signal/device-keys';
import { EndToEnd } from './signal/end-to-end';
import { StateKeeper } from './state-keeper';
import type { ClientState, ClientStore } from './store/client-store';
import { LoginApi } from './transport/login-api';
import { ServerConnection } from './transport/server-connection';

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
}

export interface SendOptions {
  /** Give up after this long; the same client message ID is used on every retry. */
  deadlineMs?: number;
}

/** What became of a sent message on each of the recipient's devices. */
export interface SendReport {
  /**
   * One per recipient device: delivered, stored, or refused with the reason (a full mailbox,
   * say). Refused copies are resent later, on their own, while the client stays open;
   * errors from that are reported through `onError`.
   */
  outcomes: wire.DeviceOutcome[];
}

export type MessageListener = (message: ReceivedMessage) => void;

export interface ListenOptions {
  /** Take at most this many messages; later ones stay on the server for another session. */
  max?: number;
}

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_TEXT_BYTES = 64 * 1024;

/** A Coming account on one device: login, send with retries, receive exactly once. */
export class ComingClient {
  private connection: Promise<ServerConnection> | undefined;
  private readonly listeners = new Map<MessageListener, { remaining: number }>();
  private readonly identityListeners = new Set<(accountId: string) => void>();
  private readonly errorListeners = new Set<(error: Error) => void>();
  private readonly signal: SerialQueue = new SerialQueue();
  private readonly endToEnd: EndToEnd;
  private readonly signalStore: ClientSignalStore;
  private readonly queueEmptyListeners = new Set<() => void>();
  private readonly closeListeners = new Set<(code: number, reason: string) => void>();
  private readonly inbox: Inbox;
  private readonly session: AccountSession;
  private readonly refusedCopies: RefusedCopies;
  private closed = false;
  /** Counts connections opened, so that a late close event of an old one is recognised. */
  private generation = 0;
  private displaced = false;

  private constructor(
    private readonly keeper: StateKeeper,
    private readonly server: string,
    audience: string | undefined,
    private readonly receive: boolean,
  ) {
    const seed = seedFromMnemonic(keeper.state.mnemonic);
    const account = accountKeyFromSeed(seed);
    const identityKeyPair = curveKeyPairFromPrivateKey(signalIdentityKeyFromSeed(seed));
    this.session = new AccountSession(keeper, new LoginApi(server), audience ?? audienceOfServerUrl(server), account);
    this.signalStore = new ClientSignalStore(keeper, identityKeyPair);
    this.endToEnd = new EndToEnd(
      this.signalStore,
      { accountId: account.accountId, accountPrivateKey: account.privateKey, identityKeyPair },
      (accountId) => this.identityListeners.forEach((listener) => listener(accountId)),
    );
    this.refusedCopies = new RefusedCopies(
      async (sendMessage) => (await (await this.connected()).request({ sendMessage }, REQUEST_TIMEOUT_MS)).sendMessage ?? { outcomes: [] },
      (error) => this.report(error),
    );
    this.inbox = new Inbox(keeper, {
      accepting: () => [...this.listeners.values()].some(({ remaining }) => remaining > 0),
      open: (envelope) => this.signal.run(() => this.decrypt(envelope)),
      deliver: (message) => {
        for (const [listener, quota] of this.listeners) {
          if (quota.remaining <= 0) continue;
          quota.remaining -= 1;
          listener(message);
        }
      },
      reject: (envelope, error) =>
        this.report(
          new ClientError(
            ClientErrorCode.Undecryptable,
            `could not decrypt a message from ${envelope.sourceAccount}: ${error instanceof Error ? error.message : String(error)}`,
            undefined,
            { cause: error },
          ),
        ),
      acknowledge: (serverGuids) => this.acknowledge(serverGuids),
    });
  }

  /** Creates an identity from a fresh mnemonic, or restores one from `mnemonic`. */
  static async create({ store, server, audience, receive = true }: ComingClientOptions, mnemonic?: string): Promise<ComingClient> {
    if ((await store.load()) !== null) {
      throw new ClientError(ClientErrorCode.Identity, 'this home already holds an identity; use another home folder');
    }
    const phrase = mnemonic ?? createMnemonic();
    const state: ClientState = {
      mnemonic: phrase,
      accountId: accountKeyFromSeed(seedFromMnemonic(phrase)).accountId,
      recipients: {},
      seen: [],
    };
    const keeper = new StateKeeper(state, store);
    await keeper.save();
    return new ComingClient(keeper, server, audience, receive);
  }

  static async open({ store, server, audience, receive = true }: ComingClientOptions): Promise<ComingClient> {
    const state = await store.load();
    if (state === null) throw new ClientError(ClientErrorCode.Identity, 'no identity in this home yet: run "init" first');
    return new ComingClient(new StateKeeper(state, store), server, audience, receive);
  }

  get accountId(): string {
    return this.keeper.state.accountId;
  }

  get mnemonic(): string {
    return this.keeper.state.mnemonic;
  }

  /** Logs in and publishes this device's keys; on first use this registers the account and device. */
  async register(): Promise<void> {
    await this.connected();
  }

  /**
   * Encrypts a text for every device of the recipient and resolves once the server has
   * taken it: each device's copy delivered, stored or refused (see SendReport). Retries,
   * with the same client message ID, only while the server is unreachable or asks to wait.
   */
  async send(to: string, text: string, { deadlineMs = 60_000 }: SendOptions = {}): Promise<SendReport> {
    if (!isAccountId(to)) throw new ClientError(ClientErrorCode.InvalidArgument, `"${to}" is not an account ID (coming1…)`);
    if (Buffer.byteLength(text) > MAX_TEXT_BYTES)
      throw new ClientError(ClientErrorCode.InvalidArgument, `text is over ${MAX_TEXT_BYTES} bytes`);
    const clientMessageId = randomBytes(CLIENT_MESSAGE_ID_BYTES);
    const clientTimestampMs = Date.now();
    const deadline = Date.now() + deadlineMs;
    let messages: wire.OutgoingMessage[] | undefined;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const connection = await this.connected();
        // Encrypted once and resent as is: a retry must not advance the ratchet again.
        messages ??= await this.signal.run(() => this.encryptForAllDevices(connection, to, text));
        if (messages.length === 0) return { outcomes: [] };
        const request = { destinationAccount: to, clientMessageId, clientTimestampMs, messages, retryOfRefused: false };
        const outcomes = (await connection.request({ sendMessage: request }, REQUEST_TIMEOUT_MS)).sendMessage?.outcomes ?? [];
        this.refusedCopies.retryLater(request, outcomes);
        return { outcomes };
      } catch (error) {
        if (await this.adoptDeviceList(to, error)) {
          messages = undefined;
          continue;
        }
        const delayMs = retryDelayMs(error, attempt);
        if (delayMs === undefined || Date.now() + delayMs >= deadline) throw error;
        await sleep(delayMs);
      }
    }
  }

  /** Starts sessions with devices that lack one, then encrypts for each known device. */
  private async encryptForAllDevices(connection: ServerConnection, to: string, text: string): Promise<wire.OutgoingMessage[]> {
    const known = this.keeper.state.recipients[to];
    const missing = known === undefined ? undefined : await this.endToEnd.missingSessions(to, known);
    if (known === undefined || (missing?.length ?? 0) > 0) {
      const { getPreKeyBundles } = await connection.request({ getPreKeyBundles: { accountId: to } }, REQUEST_TIMEOUT_MS);
      if (getPreKeyBundles === undefined) throw new ClientError(ClientErrorCode.Rejected, `the server returned no keys for ${to}`);
      const started = await this.endToEnd.startSessions(to, getPreKeyBundles, missing);
      if (known === undefined) this.keeper.state.recipients[to] = started;
    }
    const messages = await this.endToEnd.encrypt(to, this.keeper.state.recipients[to] ?? [], { text });
    await this.keeper.save();
    return messages;
  }

  /** Calls `listener` once per new message, up to `max`, until the returned function is called. */
  onMessage(listener: MessageListener, { max = Number.POSITIVE_INFINITY }: ListenOptions = {}): () => void {
    this.listeners.set(listener, { remaining: max });
    this.inbox.resume();
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` when a contact's identity key changed (it is still signed by their account key). */
  onIdentityChanged(listener: (accountId: string) => void): () => void {
    this.identityListeners.add(listener);
    return () => this.identityListeners.delete(listener);
  }

  /** Calls `listener` with problems that have no caller to throw to, such as an undecryptable message. */
  onError(listener: (error: Error) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Calls `listener` each time the server has pushed everything stored while away. */
  onQueueEmpty(listener: () => void): () => void {
    this.queueEmptyListeners.add(listener);
    return () => this.queueEmptyListeners.delete(listener);
  }

  /** Calls `listener` with the close code whenever the connection drops (4409: signed in elsewhere). */
  onConnectionClosed(listener: (code: number, reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Opens the connection, so that stored and live messages start arriving. */
  async connect(): Promise<void> {
    await this.connected();
  }

  /** The open connection, opening one if there is none; concurrent callers share it. */
  private connected(): Promise<ServerConnection> {
    if (this.closed) throw new ClientError(ClientErrorCode.ConnectionLost, 'the client is closed');
    this.connection ??= this.open().catch((error: unknown) => {
      this.connection = undefined;
      throw error;
    });
    return this.connection;
  }

  /** Finishes acknowledging what was received, then disconnects for good. */
  async close(): Promise<void> {
    // Acknowledgements still in flight need the connection: settle them before closing.
    await this.inbox.settled();
    this.closed = true;
    this.refusedCopies.close();
    await this.disconnect();
  }

  /** Finishes acknowledging what was received and drops the connection; a later call reconnects. */
  async disconnect(): Promise<void> {
    await this.inbox.settled();
    const connection = await this.connection?.catch(() => undefined);
    this.connection = undefined;
    this.generation += 1;
    await connection?.close();
    await this.keeper.save();
  }

  /** Decrypts, and remembers the sender's device so that a reply goes out on the same session. */
  private async decrypt(envelope: messaging.Envelope) {
    const opened = await this.endToEnd.decrypt(envelope);
    const devices = this.keeper.state.recipients[envelope.sourceAccount] ?? [];
    if (!devices.includes(envelope.sourceDevice)) {
      this.keeper.state.recipients[envelope.sourceAccount] = [...devices, envelope.sourceDevice].sort((a, b) => a - b);
    }
    return opened;
  }

  private async open(): Promise<ServerConnection> {
    this.generation += 1;
    const generation = this.generation;
    const handlers = {
      onDeliver: (envelope: messaging.Envelope) => this.inbox.receive(envelope),
      onQueueEmpty: () => this.queueEmptyListeners.forEach((listener) => listener()),
      onKeysLow: () => void this.refillKeys(),
      onClose: (code: number, reason: string) => {
        // A connection this client already replaced or dropped closing late changes nothing.
        if (generation !== this.generation) return;
        this.onClosed(code);
        this.closeListeners.forEach((listener) => listener(code, reason));
      },
    };
    let connection: ServerConnection;
    try {
      connection = await ServerConnection.connect(this.server, await this.session.accessToken(), handlers, this.receive);
    } catch (error) {
      if (!(error instanceof ClientError && error.code === ClientErrorCode.Unauthenticated)) throw error;
      // The gateway refused a token we thought valid (a new signing key, say): log in afresh.
      this.session.invalidate();
      connection = await ServerConnection.connect(this.server, await this.session.accessToken(), handlers, this.receive);
    }
    if (this.keeper.state.signal === undefined) await this.publishKeys(connection);
    return connection;
  }

  /** First connection of this device: make its Signal keys and publish them. */
  private async publishKeys(connection: ServerConnection) {
    await this.signal.run(async () => {
      const state = newSignalState();
      this.keeper.state.signal = state;
      const upload = await firstUpload(state, this.signalStore, await this.signalStore.getIdentityKeyPair(), this.endToEnd.identityKey);
      try {
        await connection.request({ uploadKeys: upload }, REQUEST_TIMEOUT_MS);
      } catch (error) {
        // Unpublished keys are useless; make fresh ones on the next connection.
        delete this.keeper.state.signal;
        throw error;
      }
      await this.keeper.save();
    });
  }

  /**
   * The server says the one-time prekeys run low: upload fresh ones. The stock is read
   * again first, since several such pushes may arrive for one shortfall.
   */
  private async refillKeys() {
    try {
      await this.signal.run(async () => {
        const state = this.keeper.state.signal;
        if (state === undefined) return;
        const connection = await this.connected();
        const { getPreKeyCount } = await connection.request({ getPreKeyCount: {} }, REQUEST_TIMEOUT_MS);
        const upload = await topUp(
          state,
          this.signalStore,
          await this.signalStore.getIdentityKeyPair(),
          getPreKeyCount ?? { ecPreKeys: 0, kyberPreKeys: 0 },
        );
        if (upload.oneTimePreKeys.length + upload.oneTimeKyberPreKeys.length === 0) return;
        await this.keeper.save();
        await connection.request({ uploadKeys: upload }, REQUEST_TIMEOUT_MS);
      });
    } catch (error) {
      this.report(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private report(error: Error) {
    this.errorListeners.forEach((listener) => listener(error));
  }

  private onClosed(code: number) {
    this.connection = undefined;
    // Displaced by another connection of this device, or revoked: reconnecting is the user's call.
    if (code === (wire.CloseCode.CLOSE_CODE_DISPLACED as number) || code === (wire.CloseCode.CLOSE_CODE_REVOKED as number)) {
      this.displaced = true;
    }
    // The gateway saw the token expire; the next connection must not reuse it.
    if (code === (wire.CloseCode.CLOSE_CODE_TOKEN_EXPIRED as number)) this.session.invalidate();
    if (this.closed || this.displaced || this.listeners.size === 0) return;
    void this.reconnect();
  }

  /** Keeps a listening client connected across gateway restarts. */
  private async reconnect() {
    for (let attempt = 0; !this.closed && !this.displaced && this.connection === undefined; attempt += 1) {
      await backoff(attempt);
      try {
        await this.connect();
      } catch (error) {
        if (retryDelayMs(error, attempt) === undefined) return;
      }
    }
  }

  private async acknowledge(serverGuids: Uint8Array[]): Promise<void> {
    const connection = await this.connected();
    for (let start = 0; start < serverGuids.length; start += MAX_ACKS_PER_FRAME) {
      await connection.request({ acknowledge: { serverGuids: serverGuids.slice(start, start + MAX_ACKS_PER_FRAME) } }, REQUEST_TIMEOUT_MS);
    }
  }

  /** On DEVICE_MISMATCH, learns the recipient's devices from the error and says to retry at once. */
  private async adoptDeviceList(to: string, error: unknown): Promise<boolean> {
    const serverError = error instanceof ClientError ? error.serverError : undefined;
    if (serverError?.code !== wire.ErrorCode.ERROR_CODE_DEVICE_MISMATCH) return false;
    const current = this.keeper.state.recipients[to] ?? [];
    const devices = new Set([...current.filter((device) => !serverError.extraDevices.includes(device)), ...serverError.missingDevices]);
    this.keeper.state.recipients[to] = [...devices].sort((a, b) => a - b);
    await this.keeper.save();
    return true;
  }
}
