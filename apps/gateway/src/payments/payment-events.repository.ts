import { Broker, type BrokerSubscription, subjects } from '@coming/broker';
import { InjectLogger, type Logger } from '@coming/logging';
import { events } from '@coming/proto';
import { Injectable } from '@nestjs/common';

/** The payments service's status events, as NATS carries them. */
@Injectable()
export class PaymentEventsRepository {
  constructor(
    private readonly broker: Broker,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  /** Every account's payment status changes; a gateway keeps those of the accounts it holds. */
  subscribeStatuses(onChanged: (event: events.PaymentStatusChanged) => void): BrokerSubscription {
    return this.broker.subscribe(subjects.paymentStatus('*'), (message) => {
      let event: events.PaymentStatusChanged;
      try {
        event = events.PaymentStatusChanged.decode(message.data);
      } catch (error) {
        // Only payments may publish here, so an undecodable payload is a bug to log, not to crash on.
        this.logger.error({ err: error }, 'undecodable payment status dropped');
        return;
      }
      onChanged(event);
    });
  }
}
