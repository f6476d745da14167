import { Broker, subjects } from '@coming/broker';
import { events, type payments } from '@coming/proto';
import { Injectable } from '@nestjs/common';

@Injectable()
export class PaymentEventsRepository {
  constructor(private readonly broker: Broker) {}

  /** Tells the gateways holding the account's devices that one of its statuses changed. */
  publishStatus(accountId: string, status: payments.PaymentStatus): Promise<void> {
    return this.broker.publish(subjects.paymentStatus(accountId), events.PaymentStatusChanged.encode({ accountId, status }).finish());
  }

  /** The same, for an X-BTC transfer: one subject per account carries both currencies. */
  publishXbtcTransfer(accountId: string, xbtcTransfer: payments.XbtcTransferStatus): Promise<void> {
    return this.broker.publish(subjects.paymentStatus(accountId), events.PaymentStatusChanged.encode({ accountId, xbtcTransfer }).finish());
  }
}
