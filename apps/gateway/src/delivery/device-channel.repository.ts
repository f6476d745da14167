import {
  Broker,
  type BrokerMessage,
  type BrokerSubscription,
  deviceEventOf,
  revokedDeviceOf,
  subjectPatterns,
  subjects,
} from '@coming/broker';
import { assertUnreachable } from '@coming/errors';
import { InjectLogger, type Logger } from '@coming/logging';
import { events, type messaging } from '@coming/proto';
import type { AccessClaims } from '@coming/access-token';
import { Injectable } from '@nestjs/common';

export interface DeviceChannelHandlers {
  /**
   * A live envelope for the device; resolves true once the device acknowledged it, false
   * when it did not in time or cannot take it now, and undefined when this connection is
   * gone, so that a stale subscriber stays silent instead of outrunning the live one.
   * Never rejects.
   */
  onDeliver(envelope: messaging.Envelope): Promise<boolean | undefined>;
  /** Something was committed to the device's mailbox. */
  onStored(): void;
  /** A connection of the same device opened somewhere; `connectionId` names it. */
  onConnected(connectionId: string): void;
  /** The device's one-time prekeys run low on the server. */
  onKeysLow(count: events.KeysLow): void;
  /** The device's tokens were revoked; `reason` says why. */
  onRevoked(reason: string): void;
}

/**
 * The NATS subjects of one connected device, subscribed while its socket is held here:
 * one subscription per device (`device.<account>.<device>.*`), routed by its last token.
 */
@Injectable()
export class DeviceChannelRepository {
  constructor(
    private readonly broker: Broker,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  subscribe(accountId: string, deviceId: number, handlers: DeviceChannelHandlers): BrokerSubscription {
    return this.broker.subscribe(subjects.deviceEvents(accountId, deviceId), (message) => this.route(message, handlers));
  }

  /** For a send-only connection, which gets no deliveries: only a revocation concerns it. */
  subscribeRevoked(accountId: string, deviceId: number, onRevoked: (reason: string) => void): BrokerSubscription {
    return this.broker.subscribe(
      subjects.deviceRevoked(accountId, deviceId),
      this.decoding(events.DeviceRevoked, ({ reason }) => onRevoked(reason)),
    );
  }

  /** Every device's revocation, whether or not it is connected here, for refusing its older access tokens. */
  subscribeEveryRevocation(onRevoked: (device: AccessClaims, revocation: events.DeviceRevoked) => void): BrokerSubscription {
    return this.broker.subscribe(subjectPatterns.deviceRevoked, (message) => {
      const device = revokedDeviceOf(message.subject);
      if (device === undefined) {
        this.logger.error({ subject: message.subject }, 'revocation on a malformed subject dropped');
        return;
      }
      this.decoding(events.DeviceRevoked, (revocation) => onRevoked(device, revocation))(message);
    });
  }

  /** Every account's device-list changes, for telling connected devices that others left. */
  subscribeDevicesChanged(onChanged: (event: events.DevicesChanged) => void): BrokerSubscription {
    return this.broker.subscribe(subjects.devicesChanged('*'), this.decoding(events.DevicesChanged, onChanged));
  }

  announceConnection(accountId: string, deviceId: number, connectionId: string): Promise<void> {
    return this.broker.publish(subjects.deviceConnected(accountId, deviceId), events.DeviceConnected.encode({ connectionId }).finish());
  }

  /** Calls `listener` whenever the broker comes back after an outage, during which events were lost. */
  onReconnect(listener: () => void): BrokerSubscription {
    return this.broker.onReconnect(listener);
  }

  private route(message: BrokerMessage, handlers: DeviceChannelHandlers) {
    const event = deviceEventOf(message.subject);
    switch (event) {
      case 'deliver':
        return this.decoding(events.DeliveryRequest, (request) => {
          if (request.envelope === undefined) return;
          void handlers.onDeliver(request.envelope).then((acknowledged) => {
            if (acknowledged !== undefined) message.respond(events.DeliveryReply.encode({ acknowledged }).finish());
          });
        })(message);
      case 'stored':
        return handlers.onStored();
      case 'connected':
        return this.decoding(events.DeviceConnected, ({ connectionId }) => handlers.onConnected(connectionId))(message);
      case 'keys-low':
        return this.decoding(events.KeysLow, (count) => handlers.onKeysLow(count))(message);
      case 'revoked':
        return this.decoding(events.DeviceRevoked, ({ reason }) => handlers.onRevoked(reason))(message);
      case undefined:
        this.logger.error({ subject: message.subject }, 'unknown device event dropped');
        return;
      default:
        return assertUnreachable(event);
    }
  }

  /** Only our services publish here, so an undecodable payload is a bug to log, not to crash on. */
  private decoding<Payload>(codec: { decode(data: Uint8Array): Payload }, handle: (payload: Payload) => void) {
    return (message: BrokerMessage) => {
      let payload: Payload;
      try {
        payload = codec.decode(message.data);
      } catch (error) {
        this.logger.error({ err: error, subject: message.subject }, 'undecodable broker payload dropped');
        return;
      }
      handle(payload);
    };
  }
}
