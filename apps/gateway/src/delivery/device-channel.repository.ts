import { Broker, type BrokerMessage, type BrokerSubscription, subjects } from '@coming/broker';
import { InjectLogger, type Logger } from '@coming/logging';
import { events, type messaging } from '@coming/proto';
import { Injectable } from '@nestjs/common';

export interface DeviceChannelHandlers {
  /** A live envelope for the device; resolves true once the device acknowledged it. Never rejects. */
  onDeliver(envelope: messaging.Envelope): Promise<boolean>;
  /** Something was committed to the device's mailbox. */
  onStored(): void;
  /** A connection of the same device opened somewhere; `connectionId` names it. */
  onConnected(connectionId: string): void;
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
          const acknowledged = request.envelope === undefined ? Promise.resolve(false) : handlers.onDeliver(request.envelope);
          void acknowledged.then((value) => message.respond(events.DeliveryReply.encode({ acknowledged: value }).finish()));
        }),
      ),
      this.broker.subscribe(subjects.mailboxStored(accountId, deviceId), () => handlers.onStored()),
      this.broker.subscribe(
        subjects.deviceConnected(accountId, deviceId),
        this.decoding(events.DeviceConnected, ({ connectionId }) => handlers.onConnected(connectionId)),
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
