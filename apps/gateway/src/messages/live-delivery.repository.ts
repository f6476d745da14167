import { Broker, BrokerError, subjects } from '@coming/broker';
import { InjectLogger, type Logger } from '@coming/logging';
import { events, type messaging } from '@coming/proto';
import { Injectable } from '@nestjs/common';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';

// Beyond the recipient gateway's own wait for the device, time for the NATS round trip.
const NETWORK_MARGIN_MS = 1_000;

/** Offers envelopes to whichever gateway holds the recipient device's socket. */
@Injectable()
export class LiveDeliveryRepository {
  constructor(
    private readonly broker: Broker,
    @InjectGatewayConfig() private readonly config: GatewayConfig,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  /** True only when the device acknowledged it; every other outcome means "store it". */
  async offer(envelope: messaging.Envelope): Promise<boolean> {
    const subject = subjects.deliver(envelope.destinationAccount, envelope.destinationDevice);
    try {
      const reply = await this.broker.request(
        subject,
        events.DeliveryRequest.encode({ envelope }).finish(),
        this.config.GATEWAY_LIVE_ACK_TIMEOUT_MS + NETWORK_MARGIN_MS,
      );
      return events.DeliveryReply.decode(reply).acknowledged;
    } catch (error) {
      if (!(error instanceof BrokerError)) this.logger.warn({ err: error }, 'live delivery failed; storing instead');
      return false;
    }
  }
}
