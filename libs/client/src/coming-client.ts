import { accountKeyFromMnemonic, createMnemonic, isAccountId } from '@coming/identity';
import { content, messaging, wire } from '@coming/proto';
import { randomBytes } from 'node:crypto';
import { AccountSession } from './account-session';
import { ClientError, ClientErrorCode } from './client.errors';
import { Inbox } from './inbox';
import type { ReceivedMessage } from './received-message';
import { backoff } from './retry';
import { StateKeeper } from './state-keeper';
import type { ClientState, ClientStore } from './store/client-store';
import { LoginApi } from './transport/login-api';
import { ServerConnection } from './transport/server-connection';

export interface ComingClientOptions {
  store: ClientStore;
  /** Gateway URL, e.g. ws://127.0.0.1:8080. */
  server: string;
  /** The deployment's audience, as configured on auth. */
  audience?: string;
}

export interface SendOptions {
  /** Give up after this long; the same client message ID is used on every retry. */
  deadlineMs?: number;
}

export type MessageListener = (message: ReceivedMessage) => boolean | void;

const REQUEST_TIMEOUT_MS = 30_000;
const MAX_TEXT_BYTES = 64 * 1024;
const RETRYABLE = new Set([
  wire.ErrorCode.ERROR_CODE_UNAVAILABLE,
  wire.ErrorCode.ERROR_CODE_INTERNAL,
  wire.ErrorCode.ERROR_CODE_RATE_LIMITED,
]);

/** A Coming account on one device: login, send with retries, receive exactly once. */
export class ComingClient {
  private connection: Promise<ServerConnection> | undefined;
  private readonly listeners = new Set<MessageListener>();
  private readonly queueEmptyListeners = new Set<() => void>();
  private readonly closeListeners = new Set<(code: number, reason: string) => void>();
  private readonly inbox: Inbox;
  private readonly session: AccountSession;
  private closed = false;
  private displaced = false;

  private constructor(
    private readonly keeper: StateKeeper,
    private readonly server: string,
    audience: string,
  ) {
    this.session = new AccountSession(keeper, new LoginApi(server), audience);
    this.inbox = new Inbox(keeper, {
      deliver: (message) => [...this.listeners].every((listener) => listener(message) !== false),
      acknowledge: (serverGuids) => this.acknowledge(serverGuids),
    });
  }

  /** Creates an identity from a fresh mnemonic, or restores one from `mnemonic`. */
  static async create({ store, server, audience = 'coming' }: ComingClientOptions, mnemonic?: string): Promise<ComingClient> {
    if ((await store.load()) !== null) {
      throw new ClientError(ClientErrorCode.Identity, 'this home already holds an identity; use another home folder');
    }
    const phrase = mnemonic ?? createMnemonic();
    const state: ClientState = { mnemonic: phrase, accountId: accountKeyFromMnemonic(phrase).accountId, recipients: {}, seen: [] };
    const keeper = new StateKeeper(state, store);
    await keeper.save();
    return new ComingClient(keeper, server, audience);
  }

  static async open({ store, server, audience = 'coming' }: ComingClientOptions): Promise<ComingClient> {
    const state = await store.load();
    if (state === null) throw new ClientError(ClientErrorCode.Identity, 'no identity in this home yet: run "init" first');
    return new ComingClient(new StateKeeper(state, store), server, audience);
  }

  get accountId(): string {
    return this.keeper.state.accountId;
  }

  get mnemonic(): string {
    return this.keeper.state.mnemonic;
  }

  /** Logs in, which on first use registers the account and this device with the server. */
  async register(): Promise<void> {
    await this.session.accessToken();
  }

  /** Sends a text and resolves once the server has acknowledged it for every recipient device. */
  async send(to: string, text: string, { deadlineMs = 60_000 }: SendOptions = {}): Promise<void> {
    if (!isAccountId(to)) throw new ClientError(ClientErrorCode.InvalidArgument, `"${to}" is not an account ID (coming1…)`);
    const body = content.Content.encode({ text: { text } }).finish();
    if (body.length > MAX_TEXT_BYTES) throw new ClientError(ClientErrorCode.InvalidArgument, `text is over ${MAX_TEXT_BYTES} bytes`);
    const clientMessageId = randomBytes(16);
    const clientTimestampMs = Date.now();
    const deadline = Date.now() + deadlineMs;
    for (let attempt = 0; ; attempt += 1) {
      const devices = this.keeper.state.recipients[to] ?? [1];
      if (devices.length === 0) return;
      const messages = devices.map((destinationDevice) => ({
        destinationDevice,
        contentType: messaging.ContentType.CONTENT_TYPE_PLAINTEXT_PLACEHOLDER,
        content: body,
      }));
      try {
        const connection = await this.connected();
        await connection.request(
          { sendMessage: { destinationAccount: to, clientMessageId, clientTimestampMs, messages } },
          REQUEST_TIMEOUT_MS,
        );
        return;
      } catch (error) {
        if (await this.adoptDeviceList(to, error)) continue;
        if (!isRetryable(error) || Date.now() >= deadline) throw error;
        await backoff(attempt);
      }
    }
  }

  /**
   * Calls `listener` once per new message until the returned function is called. A
   * listener that returns false declines the message: it stays on the server.
   */
  onMessage(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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

  /** Finishes acknowledging what was received, then disconnects. */
  async close(): Promise<void> {
    await this.inbox.settled();
    this.closed = true;
    const connection = await this.connection?.catch(() => undefined);
    connection?.close();
    await this.keeper.save();
  }

  private async open(): Promise<ServerConnection> {
    const handlers = {
      // Without a listener nobody would see the message: leave it unacknowledged, and the
      // server keeps it for the next connection that listens.
      onDeliver: (envelope: messaging.Envelope) => {
        if (this.listeners.size > 0) this.inbox.receive(envelope);
      },
      onQueueEmpty: () => this.queueEmptyListeners.forEach((listener) => listener()),
      onClose: (code: number, reason: string) => {
        this.onClosed(code);
        this.closeListeners.forEach((listener) => listener(code, reason));
      },
    };
    try {
      return await ServerConnection.connect(this.server, await this.session.accessToken(), handlers);
    } catch (error) {
      if (!(error instanceof ClientError && error.code === ClientErrorCode.Unauthenticated)) throw error;
      // The gateway refused a token we thought valid (a new signing key, say): log in afresh.
      this.session.invalidate();
      return ServerConnection.connect(this.server, await this.session.accessToken(), handlers);
    }
  }

  private onClosed(code: number) {
    this.connection = undefined;
    if (code === 4409) this.displaced = true;
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
        if (!isRetryable(error)) return;
      }
    }
  }

  private async acknowledge(serverGuids: Uint8Array[]): Promise<void> {
    const connection = await this.connected();
    for (let start = 0; start < serverGuids.length; start += 100) {
      await connection.request({ acknowledge: { serverGuids: serverGuids.slice(start, start + 100) } }, REQUEST_TIMEOUT_MS);
    }
  }

  /** On DEVICE_MISMATCH, learns the recipient's devices from the error and says to retry at once. */
  private async adoptDeviceList(to: string, error: unknown): Promise<boolean> {
    const serverError = error instanceof ClientError ? error.serverError : undefined;
    if (serverError?.code !== wire.ErrorCode.ERROR_CODE_DEVICE_MISMATCH) return false;
    const current = this.keeper.state.recipients[to] ?? [1];
    const devices = new Set([...current.filter((device) => !serverError.extraDevices.includes(device)), ...serverError.missingDevices]);
    this.keeper.state.recipients[to] = [...devices].sort((a, b) => a - b);
    await this.keeper.save();
    return true;
  }
}

function isRetryable(error: unknown): boolean {
  if (!(error instanceof ClientError)) return false;
  switch (error.code) {
    case ClientErrorCode.ServerUnreachable:
    case ClientErrorCode.ConnectionLost:
    case ClientErrorCode.Timeout:
      return true;
    case ClientErrorCode.Rejected:
      return error.serverError !== undefined && RETRYABLE.has(error.serverError.code);
    default:
      return false;
  }
}
