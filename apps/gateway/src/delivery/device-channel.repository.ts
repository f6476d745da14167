import { Broker, type BrokerMessage, type BrokerSubscription, subjects } from '@coming/broker';
import { InjectLogger, type Logger } from '@coming/logging';
import { events, type messaging } from '@coming/proto';
import { Injectable } from '@nestjs/common';

export interface DeviceChannelHandlers {
  /**
   * A live envelope for the device; resolves true once the device acknowledged it, false
   * when it did not in time, and undefined when this connection is gone, so that a stale
   * subscriber stays silent instead of outrunning the live one. Never rejects.
   */
  onDeliver(envelope: messaging.Envelope): Promise<boolean | undefined>;
  /** Something was committed to the device's mailbox. */
  onStored(): void;
  /** A connection of the same device opened somewhere; `connectionId` names it. */
  onConnected(connectionId: string): void;
  /** The device's one-time prekeys run low on the server. */
  onKeysLow(count: events.KeysLow): void;
}

/** The NATS subjects of one connected device, subscribed while its socket is held here. */
@Injectable()
export class DeviceChannelRepository {
  constructor(
    private readonly broker: Broker,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  subscribe(accountId: string, deviceId: number, handlers: DeviceChannelHandlers): BrokerSubscription[] {
    return [
      this.broker.subscribe(
        subjects.deliver(accountId, deviceId),
        this.decoding(events.DeliveryRequest, (request, message) => {
          if (request.envelope === undefined) return;
          void handlers.onDeliver(request.envelope).then((acknowledged) => {
            if (acknowledged !== undefined) message.respond(events.DeliveryReply.encode({ acknowledged }).finish());
          });
        }),
      ),
      this.broker.subscribe(subjects.mailboxStored(accountId, deviceId), () => handlers.onStored()),
      this.broker.subscribe(
        subjects.deviceConnected(accountId, deviceId),
        this.decoding(events.DeviceConnected, ({ connectionId }) => handlers.onConnected(connectionId)),
      ),
      this.broker.subscribe(
        subjects.keysLow(accountId, deviceId),
        this.decoding(events.KeysLow, (count) => handlers.onKeysLow(count)),
      ),
    ];
  }

  announceConnection(accountId: string, deviceId: number, connectionId: string): Promise<void> {
    return this.broker.publish(subjects.deviceConnected(accountId, deviceId), events.DeviceConnected.encode({ connectionId }).finish());
  }

  /** Only our services publish here, so an undecodable payload is a bug to log, not to crash on. */
  private decoding<Payload>(codec: { decode(data: Uint8Array): Payload }, handle: (payload: Payload, message: BrokerMessage) => void) {
    return (message: BrokerMessage) => {
      let payload: Payload;
      try {
        payload = codec.decode(message.data);
      } catch (error) {
        this.logger.error({ err: error, subject: message.subject }, 'undecodable broker payload dropped');
        return;
      }
      handle(payload, message);
    };
  }
}
