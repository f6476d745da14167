import type { AccessClaims } from '@coming/access-token';
import { InjectLogger, type Logger } from '@coming/logging';
import { wire } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';
import { GatewayMetrics } from '../gateway.metrics';
import { MailboxRepository } from '../messages/mailbox.repository';
import { DeviceChannelRepository } from './device-channel.repository';
import { DeviceSession, type DeviceSessionDependencies, type DeviceSocket } from './device-session';

// A page of drained envelopes gets this long to be acknowledged before the socket is recycled.
const DRAIN_ACK_TIMEOUT_MS = 30_000;

/** The devices connected to this gateway, one session each. */
@Injectable()
export class DeviceSessionsService {
  private readonly sessions = new Map<string, DeviceSession>();
  private readonly dependencies: DeviceSessionDependencies;

  constructor(
    @InjectGatewayConfig() config: GatewayConfig,
    channel: DeviceChannelRepository,
    mailbox: MailboxRepository,
    metrics: GatewayMetrics,
    @InjectLogger() logger: Logger,
  ) {
    this.dependencies = {
      channel,
      mailbox,
      logger,
      metrics,
      settings: {
        liveAckTimeoutMs: config.GATEWAY_LIVE_ACK_TIMEOUT_MS,
        drainPageSize: config.GATEWAY_DRAIN_PAGE_SIZE,
        drainAckTimeoutMs: DRAIN_ACK_TIMEOUT_MS,
      },
    };
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Starts serving a device; an older connection of it on this gateway is displaced at once. */
  async open(device: AccessClaims, socket: DeviceSocket): Promise<DeviceSession> {
    const key = keyOf(device);
    this.sessions.get(key)?.displace();
    const session = new DeviceSession(device, socket, this.dependencies);
    this.sessions.set(key, session);
    await session.start();
    return session;
  }

  closed(session: DeviceSession): void {
    session.close();
    const key = keyOf(session.device);
    if (this.sessions.get(key) === session) this.sessions.delete(key);
  }

  /** Asks every client to reconnect elsewhere, for a graceful shutdown. */
  closeAll(reason: string): void {
    for (const session of this.sessions.values()) session.closeSocket(wire.CloseCode.CLOSE_CODE_SERVICE_RESTART, reason);
  }
}

function keyOf({ accountId, deviceId }: AccessClaims): string {
  return `${accountId}.${deviceId}`;
}
