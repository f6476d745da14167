import { wire } from '@coming/proto';
import { ClientError, ClientErrorCode } from '../client.errors';
import { backoff, retryDelayMs } from '../retry';
import type { ServerLink, TransportEvents } from '../transport/transport';
import type { ServerHealth } from './server-health';

/** Access tokens, as AccountSession keeps them. */
export interface AccessTokens {
  accessToken(): Promise<string>;
  /** Forgets the access token, after the server refused it. */
  invalidate(): void;
}

export interface ConnectionKeeperOptions {
  tokens: AccessTokens;
  /** Opens a connection with an access token; its pushes and close go to `events`. */
  dial(accessToken: string, events: TransportEvents): Promise<ServerLink>;
  /** Runs on each new connection before anyone uses it (a new device's first key upload). */
  prepare(link: ServerLink): Promise<void>;
  /** Pushes from the server, on whichever connection is current. */
  pushes: Omit<TransportEvents, 'onClose'>;
  /** Told each time the current connection closes. */
  onClosed(code: number, reason: string): void;
  /** Told why reconnecting stopped, when trying again cannot help (a revoked device, a refused login). */
  onGaveUp(error: Error): void;
  /** Whether a dropped connection is opened again by itself: true while the application listens. */
  wantsConnection(): boolean;
  /** Told when a connection opens, drops, or cannot be opened: what the SMS policy goes by. */
  health: ServerHealth;
}

/**
 * Keeps the one connection of the client: opens it on demand (concurrent callers share
 * it), logs in afresh when the server refuses a token, and reconnects with backoff after
 * a drop, except when this device was displaced (4409) or revoked (4410): reconnecting
 * then is the user's call, or it would take the connection back from the device that just
 * took it.
 */
export class ConnectionKeeper {
  private current: Promise<ServerLink> | undefined;
  private closed = false;
  private displaced = false;
  /** A reconnect loop runs: a second would double the attempts, and so on at each loss. */
  private reconnecting = false;
  /** Set when the client must stop for good: every later use fails with it. */
  private haltedBy: Error | undefined;
  /** Counts connections opened, so that a late close event of an old one is recognised. */
  private generation = 0;

  constructor(private readonly options: ConnectionKeeperOptions) {}

  /** The open connection, opening one if there is none. */
  connected(): Promise<ServerLink> {
    if (this.haltedBy !== undefined) return Promise.reject(this.haltedBy);
    if (this.closed) return Promise.reject(new ClientError(ClientErrorCode.ConnectionLost, 'the client is closed'));
    if (this.current !== undefined) return this.current;
    const attempt: Promise<ServerLink> = this.open().catch((error: unknown) => {
      // Only this attempt is forgotten: a drop during it may already have started the next.
      if (this.current === attempt) this.current = undefined;
      throw error;
    });
    this.current = attempt;
    return attempt;
  }

  /** Drops the connection; a later `connected` opens another. */
  async disconnect(): Promise<void> {
    const link = await this.current?.catch(() => undefined);
    this.current = undefined;
    this.generation += 1;
    await link?.close();
  }

  /** Disconnects for good. */
  async close(): Promise<void> {
    this.closed = true;
    await this.disconnect();
  }

  /** Disconnects for good because of `error`, which every later use fails with. */
  async halt(error: Error): Promise<void> {
    this.haltedBy = error;
    await this.disconnect();
  }

  private async open(): Promise<ServerLink> {
    this.generation += 1;
    const generation = this.generation;
    const events: TransportEvents = {
      ...this.options.pushes,
      onClose: (code, reason) => {
        // A connection this client already replaced or dropped closing late changes nothing.
        if (generation !== this.generation) return;
        this.onClose(code);
        this.options.onClosed(code, reason);
      },
    };
    const { tokens } = this.options;
    let link: ServerLink;
    try {
      try {
        link = await this.options.dial(await tokens.accessToken(), events);
      } catch (error) {
        if (!(error instanceof ClientError && error.code === ClientErrorCode.Unauthenticated)) throw error;
        // The gateway refused a token we thought valid (a new signing key, say): log in afresh.
        tokens.invalidate();
        link = await this.options.dial(await tokens.accessToken(), events);
      }
    } catch (error) {
      if (error instanceof ClientError && error.code === ClientErrorCode.ServerUnreachable) this.options.health.lost();
      throw error;
    }
    this.options.health.reached();
    await this.options.prepare(link);
    return link;
  }

  private onClose(code: number) {
    this.current = undefined;
    if (code === (wire.CloseCode.CLOSE_CODE_DISPLACED as number) || code === (wire.CloseCode.CLOSE_CODE_REVOKED as number)) {
      this.displaced = true;
    } else {
      this.options.health.lost();
    }
    // The gateway saw the token expire; the next connection must not reuse it. A revoked
    // device's token is dropped too: gateways refuse it, save one that missed the
    // revocation, and the next run should log in and hear that the device is gone.
    if (code === (wire.CloseCode.CLOSE_CODE_TOKEN_EXPIRED as number) || code === (wire.CloseCode.CLOSE_CODE_REVOKED as number)) {
      this.options.tokens.invalidate();
    }
    if (this.stopped() || !this.options.wantsConnection()) return;
    void this.reconnect();
  }

  /** Keeps a listening client connected across gateway restarts; one loop at a time. */
  private async reconnect() {
    if (this.reconnecting) return;
    this.reconnecting = true;
    try {
      for (let attempt = 0; !this.stopped() && this.current === undefined; attempt += 1) {
        await backoff(attempt);
        try {
          await this.connected();
        } catch (error) {
          if (retryDelayMs(error, attempt) !== undefined) continue;
          // Said, or a listening application would wait on a connection that never comes back.
          this.options.onGaveUp(error instanceof Error ? error : new Error(String(error)));
          return;
        }
      }
    } finally {
      this.reconnecting = false;
    }
  }

  private stopped(): boolean {
    return this.closed || this.displaced || this.haltedBy !== undefined;
  }
}
