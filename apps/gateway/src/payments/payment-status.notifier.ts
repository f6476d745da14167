import type { BrokerSubscription } from '@coming/broker';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DeviceSessionsService } from '../delivery/device-sessions.service';
import { PaymentEventsRepository } from './payment-events.repository';

/**
 * Pushes each payment status change to the connected devices of the account it concerns: a
 * Bitcoin status as paymentStatus, an X-BTC transfer as xbtcTransferStatus. Events are not a
 * mailbox: a device that was away asks for current statuses when it reconnects
 * (GetPaymentStatusesRequest, GetXbtcTransfersRequest), so nothing here is stored or retried.
 */
@Injectable()
export class PaymentStatusNotifier implements OnModuleInit, OnModuleDestroy {
  private subscription: BrokerSubscription | undefined;

  constructor(
    private readonly paymentEvents: PaymentEventsRepository,
    private readonly sessions: DeviceSessionsService,
  ) {}

  onModuleInit() {
    this.subscription = this.paymentEvents.subscribeStatuses(({ accountId, status, xbtcTransfer }) => {
      if (status !== undefined) this.sessions.pushToAccount(accountId, { paymentStatus: status });
      if (xbtcTransfer !== undefined) this.sessions.pushToAccount(accountId, { xbtcTransferStatus: xbtcTransfer });
    });
  }

  onModuleDestroy() {
    this.subscription?.unsubscribe();
  }
}
