import type { VerifiedAccess } from '@coming/access-token';
import type { BrokerSubscription } from '@coming/broker';
import { InjectLogger, type Logger } from '@coming/logging';
import { wire } from '@coming/proto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { DeviceSocket } from '../connections/device-socket';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';
import { GatewayMetrics } from '../gateway.metrics';
import { MailboxRepository } from '../messages/mailbox.repository';
import { DeviceChannelRepository } from './device-channel.repository';
import { DeviceSession, type DeviceSessionDependencies } from './device-session';

// setTimeout's longest delay; a token that lives longer is checked again then.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One authenticated socket of a device on this gateway. */
export interface DeviceConnection {
  readonly device: VerifiedAccess;
  readonly socket: DeviceSocket;
  /** False for a send-only connection (?receive=false). */
  readonly receiving: boolean;
  /** The session serving a receiving connection once it has started; undefined otherwise. */
  readonly session: Promise<DeviceSession | undefined>;
}

interface HeldConnection extends DeviceConnection {
  expiry: NodeJS.Timeout | undefined;
  /** A send-only connection's own subscription to its device's revocation. */
  revocation: BrokerSubscription | undefined;
}

/**
 * The device connections held by this gateway: at most one receiving session per device,
 * caps on sockets per device and per account, each socket closed when its token expires
 * or its device is revoked, and every session drained again after a broker outage.
 */
@Injectable()
export class DeviceSessionsService implements OnModuleDestroy {
  private readonly receivers = new Map<string, HeldConnection>();
  private readonly byDevice = new Map<string, Set<HeldConnection>>();
  private readonly byAccount = new Map<string, Set<HeldConnection>>();
  private readonly dependencies: DeviceSessionDependencies;
  private readonly brokerReconnects: BrokerSubscription;

  constructor(
    @InjectGatewayConfig() private readonly config: GatewayConfig,
    private readonly channel: DeviceChannelRepository,
    mailbox: MailboxRepository,
    metrics: GatewayMetrics,
    @InjectLogger() private readonly logger: Logger,
  ) {
    metrics.observeBufferedBytes(() => this.bufferedBytes);
    this.dependencies = {
      channel,
      mailbox,
      logger,
      metrics,
      settings: {
        liveAckTimeoutMs: config.GATEWAY_LIVE_ACK_TIMEOUT_MS,
        drainPageSize: config.GATEWAY_DRAIN_PAGE_SIZE,
        drainWindow: config.GATEWAY_DRAIN_WINDOW,
        drainAckTimeoutMs: config.GATEWAY_DRAIN_ACK_TIMEOUT_MS,
      },
    };
    // Events published while the broker was away are lost: fetch every mailbox again.
    this.brokerReconnects = channel.onReconnect(() => {
      for (const { session } of this.receivers.values()) void session.then((started) => started?.requestDrain());
    });
  }

  onModuleDestroy() {
    this.brokerReconnects.unsubscribe();
  }

  /** Receiving sessions on this gateway. */
  get size(): number {
    return this.receivers.size;
  }

  /** Bytes queued towards all devices held here; bounded by the sockets' backpressure. */
  get bufferedBytes(): number {
    let total = 0;
    for (const connections of this.byDevice.values()) for (const { socket } of connections) total += socket.bufferedBytes;
    return total;
  }

  /**
   * Starts serving a socket; an older receiving connection of the device on this gateway
   * is displaced at once. Over a cap, the socket is closed with 4430 and undefined returned.
   */
  open(device: VerifiedAccess, socket: DeviceSocket, receiving: boolean): DeviceConnection | undefined {
    const refusal = this.overCap(device, receiving);
    if (refusal !== undefined) {
      socket.close(wire.CloseCode.CLOSE_CODE_TOO_MANY_CONNECTIONS, refusal);
      return undefined;
    }
    const key = deviceKeyOf(device);
    let session: Promise<DeviceSession | undefined> = Promise.resolve(undefined);
    let revocation: BrokerSubscription | undefined;
    if (receiving) {
      void this.receivers.get(key)?.session.then((older) => older?.displace());
      session = this.startSession(device, socket);
    } else {
      revocation = this.channel.subscribeRevoked(device.accountId, device.deviceId, (reason) =>
        socket.close(wire.CloseCode.CLOSE_CODE_REVOKED, `device revoked: ${reason}`),
      );
    }
    const connection: HeldConnection = { device, socket, receiving, session, revocation, expiry: undefined };
    this.closeWhenExpired(connection);
    if (receiving) this.receivers.set(key, connection);
    addTo(this.byDevice, key, connection);
    addTo(this.byAccount, device.accountId, connection);
    return connection;
  }

  closed(connection: DeviceConnection): void {
    const held = connection as HeldConnection;
    clearTimeout(held.expiry);
    held.revocation?.unsubscribe();
    const key = deviceKeyOf(held.device);
    if (this.receivers.get(key) === held) this.receivers.delete(key);
    removeFrom(this.byDevice, key, held);
    removeFrom(this.byAccount, held.device.accountId, held);
    void held.session.then((session) => session?.close());
  }

  /** Pushes a frame to every receiving connection of the account held here. */
  pushToAccount(accountId: string, frame: wire.ServerFrame): void {
    for (const connection of this.byAccount.get(accountId) ?? []) if (connection.receiving) connection.socket.send(frame);
  }

  /** Asks every client to reconnect elsewhere, for a graceful shutdown. */
  closeAll(reason: string): void {
    for (const connections of this.byDevice.values()) {
      for (const { socket } of connections) socket.close(wire.CloseCode.CLOSE_CODE_SERVICE_RESTART, reason);
    }
  }

  private startSession(device: VerifiedAccess, socket: DeviceSocket): Promise<DeviceSession | undefined> {
    const session = new DeviceSession(device, socket, this.dependencies);
    return session.start().then(
      () => session,
      (error: unknown) => {
        this.logger.error({ err: error }, 'could not start device session');
        session.close();
        socket.close(wire.CloseCode.CLOSE_CODE_INTERNAL_ERROR, 'could not start the session; reconnect');
        return undefined;
      },
    );
  }

  /** Why the connection is refused, or undefined. Sockets already closing do not count. */
  private overCap(device: VerifiedAccess, receiving: boolean): string | undefined {
    const key = deviceKeyOf(device);
    // A new receiving connection replaces the device's current one rather than adding to it.
    const replaced = receiving ? this.receivers.get(key) : undefined;
    const counted = (connections: Set<HeldConnection> | undefined) =>
      [...(connections ?? [])].filter((connection) => connection !== replaced && connection.socket.isOpen).length;
    const { GATEWAY_MAX_CONNECTIONS_PER_DEVICE: perDevice, GATEWAY_MAX_CONNECTIONS_PER_ACCOUNT: perAccount } = this.config;
    if (counted(this.byDevice.get(key)) >= perDevice) return `this device already has ${perDevice} connections to this server`;
    if (counted(this.byAccount.get(device.accountId)) >= perAccount) {
      return `this account already has ${perAccount} connections to this server`;
    }
    return undefined;
  }

  private closeWhenExpired(connection: HeldConnection) {
    const remaining = connection.device.expiresAtMs - Date.now();
    connection.expiry = setTimeout(
      () =>
        remaining > MAX_TIMER_MS
          ? this.closeWhenExpired(connection)
          : connection.socket.close(wire.CloseCode.CLOSE_CODE_TOKEN_EXPIRED, 'access token expired: refresh it and reconnect'),
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
  }
}

function deviceKeyOf({ accountId, deviceId }: VerifiedAccess): string {
  return `${accountId}.${deviceId}`;
}

function addTo<Key>(index: Map<Key, Set<HeldConnection>>, key: Key, connection: HeldConnection) {
  const connections = index.get(key) ?? new Set<HeldConnection>();
  connections.add(connection);
  index.set(key, connections);
}

function removeFrom<Key>(index: Map<Key, Set<HeldConnection>>, key: Key, connection: HeldConnection) {
  const connections = index.get(key);
  connections?.delete(connection);
  if (connections?.size === 0) index.delete(key);
}
